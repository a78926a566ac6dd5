// Device memory by lifetime (after ncnn): weights (large, immutable, uploaded once through staging),
// activations + KV cache (device-local, for the model's lifetime), staging (upload) and readback
// (host-visible, small). One VkBuffer per allocation; buffers never exceed the storage-buffer range.
#pragma once

#include "util/result.h"
#include "vulkan/device.h"
#include "vulkan/loader.h"

#include <cstdint>

namespace hearth::vk {

enum class MemoryKind {
    DeviceLocal, // weights, activations, KV cache
    Upload, // host-visible, coherent: staging and small per-step inputs (tokens)
    Readback, // host-visible, cached where possible: logits
};

struct Buffer {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    uint64_t size = 0;
    void* mapped = nullptr; // for Upload / Readback
    bool coherent = true;
};

// A range of a buffer, as a shader binds it.
struct BufferRef {
    VkBuffer buffer = VK_NULL_HANDLE;
    uint64_t offset = 0;
    uint64_t range = 0;

    bool operator==(const BufferRef&) const = default;
};

inline BufferRef whole(const Buffer& b)
{
    return { b.buffer, 0, b.size };
}

class Allocator {
public:
    explicit Allocator(const Device& device)
        : m_device(device)
    {
    }

    // Errors: OutOfMemory naming the size and kind.
    Result<Buffer> create(uint64_t size, MemoryKind kind, const char* what);
    void destroy(Buffer& buffer);
    // Makes device writes visible to the host for non-coherent readback memory.
    void invalidate(const Buffer& buffer);

    uint64_t allocatedBytes() const { return m_allocated; }

private:
    const Device& m_device;
    uint64_t m_allocated = 0;
};

} // namespace hearth::vk
