// The device's copy bandwidth, measured with the copy shaders (for `hearth-cli bench`).
#include "vulkan/commands.h"
#include "vulkan/vulkan_backend.h"

#include <algorithm>
#include <chrono>

namespace hearth {

namespace {

// Seconds for the best of three timed copies of `bytes` with `shader`, after one warm-up run
// (pipeline creation, first touch).
Result<double> bestCopySeconds(
    vk::Recorder& rec, vk::ShaderId shader, const vk::Buffer& src, const vk::Buffer& dst, uint64_t bytes)
{
    const vk::CopyPush push { uint32_t(bytes / 16) };
    const uint32_t groups = std::min<uint32_t>(uint32_t((bytes / 16 + 255) / 256), 4096);
    const vk::BufferRef from { src.buffer, 0, bytes };
    const vk::BufferRef to { dst.buffer, 0, bytes };
    double best = 1e30;
    for (int run = 0; run < 4; ++run) {
        if (Status s = rec.begin(); !s.ok()) return s.error();
        rec.dispatch(shader, { from, to }, push, groups);
        const auto start = std::chrono::steady_clock::now();
        if (Status s = rec.submitAndWait(); !s.ok()) return s.error();
        const double seconds
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (run > 0) best = std::min(best, seconds);
    }
    return best;
}

} // namespace

Result<double> measureVulkanCopyBandwidth(int deviceIndex, uint64_t bytes)
{
    auto device = vk::Device::create(deviceIndex);
    if (!device) return device.error();
    vk::Device& dev = **device;
    bytes
        = std::min<uint64_t>(bytes, std::min<uint64_t>(dev.maxStorageBufferRange(), dev.maxAllocationSize()));
    bytes = std::min<uint64_t>(
        bytes, uint64_t(dev.properties().limits.maxTexelBufferElements) * vk::kTexelBytes);
    bytes &= ~uint64_t(15);
    vk::Allocator allocator(dev);
    vk::Pipelines pipelines(dev, "");
    vk::DescriptorCache descriptors(dev);
    vk::Recorder rec(dev, pipelines, descriptors);
    auto src = allocator.create(bytes, vk::MemoryKind::DeviceLocal, "bandwidth source");
    if (!src) return src.error();
    auto dst = allocator.create(bytes, vk::MemoryKind::DeviceLocal, "bandwidth destination");
    if (!dst) {
        allocator.destroy(*src);
        return dst.error();
    }
    // The faster of two ways to read: storage-buffer loads (what GPUs do best) and texel fetches (what
    // CPU devices do best), so the decode's fraction of it is against the best copy the device makes.
    auto storage = bestCopySeconds(rec, vk::pipelineFor(vk::Op::Copy), *src, *dst, bytes);
    auto texel
        = storage ? bestCopySeconds(rec, vk::pipelineFor(vk::Op::CopyTexel), *src, *dst, bytes) : storage;
    allocator.destroy(*src);
    allocator.destroy(*dst);
    if (!texel) return texel.error();
    return 2.0 * double(bytes) / std::min(*storage, *texel) / 1e9; // bytes read + bytes written
}

} // namespace hearth
