#include "vulkan/memory.h"

#include <string>

namespace hearth::vk {
namespace {

// The first memory type allowed by `bits` that has all of `want` (and then `prefer`, if any has it).
int findMemoryType(const VkPhysicalDeviceMemoryProperties& props, uint32_t bits, VkMemoryPropertyFlags want,
    VkMemoryPropertyFlags prefer)
{
    int fallback = -1;
    for (uint32_t i = 0; i < props.memoryTypeCount; ++i) {
        if (!(bits & (1u << i))) continue;
        const VkMemoryPropertyFlags flags = props.memoryTypes[i].propertyFlags;
        if ((flags & want) != want) continue;
        if ((flags & prefer) == prefer) return int(i);
        if (fallback < 0) fallback = int(i);
    }
    return fallback;
}

const char* kindName(MemoryKind kind)
{
    switch (kind) {
    case MemoryKind::DeviceLocal:
        return "device-local";
    case MemoryKind::Upload:
        return "upload";
    case MemoryKind::Readback:
        return "readback";
    }
    return "?";
}

} // namespace

Result<Buffer> Allocator::create(uint64_t size, MemoryKind kind, const char* what)
{
    Buffer b;
    b.size = size;
    VkBufferCreateInfo info { VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO };
    info.size = size;
    // Any buffer may be bound as a storage buffer or viewed as a texel buffer (weights on CPU devices).
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT
        | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VkResult vr = vkCreateBuffer(m_device.handle(), &info, nullptr, &b.buffer);
    if (vr != VK_SUCCESS) return vulkanError(vr, std::string("creating the ") + what + " buffer");

    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(m_device.handle(), b.buffer, &req);
    VkMemoryPropertyFlags want = 0;
    VkMemoryPropertyFlags prefer = 0;
    switch (kind) {
    case MemoryKind::DeviceLocal:
        want = 0;
        prefer = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
        break;
    case MemoryKind::Upload:
        want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        break;
    case MemoryKind::Readback:
        want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
        prefer = VK_MEMORY_PROPERTY_HOST_CACHED_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        break;
    }
    const int type = findMemoryType(m_device.memoryProperties(), req.memoryTypeBits, want, prefer);
    if (type < 0) {
        vkDestroyBuffer(m_device.handle(), b.buffer, nullptr);
        return makeError(ErrorCode::Unsupported,
            std::string("no ") + kindName(kind) + " memory type for the " + what + " buffer");
    }
    VkMemoryAllocateInfo alloc { VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO };
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = uint32_t(type);
    vr = vkAllocateMemory(m_device.handle(), &alloc, nullptr, &b.memory);
    if (vr != VK_SUCCESS) {
        vkDestroyBuffer(m_device.handle(), b.buffer, nullptr);
        Error e = vulkanError(vr,
            std::string("allocating ") + std::to_string(req.size >> 20) + " MiB of " + kindName(kind)
                + " memory for the " + what);
        if (e.code == ErrorCode::Internal) e.code = ErrorCode::OutOfMemory;
        return e;
    }
    vkBindBufferMemory(m_device.handle(), b.buffer, b.memory, 0);
    m_allocated += req.size;
    if (kind != MemoryKind::DeviceLocal) {
        b.coherent = m_device.memoryProperties().memoryTypes[type].propertyFlags
            & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        vr = vkMapMemory(m_device.handle(), b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped);
        if (vr != VK_SUCCESS) {
            destroy(b);
            return vulkanError(vr, std::string("mapping the ") + what + " buffer");
        }
    }
    return b;
}

void Allocator::destroy(Buffer& b)
{
    if (b.buffer) vkDestroyBuffer(m_device.handle(), b.buffer, nullptr);
    if (b.memory) vkFreeMemory(m_device.handle(), b.memory, nullptr);
    b = Buffer {};
}

void Allocator::invalidate(const Buffer& b)
{
    if (b.coherent || !b.memory) return;
    VkMappedMemoryRange range { VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE };
    range.memory = b.memory;
    range.offset = 0;
    range.size = VK_WHOLE_SIZE;
    vkInvalidateMappedMemoryRanges(m_device.handle(), 1, &range);
}

} // namespace hearth::vk
