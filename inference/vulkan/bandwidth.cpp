// The device's copy bandwidth, measured with the copy shader (for `hearth-cli bench`).
#include "vulkan/commands.h"
#include "vulkan/vulkan_backend.h"

#include <algorithm>
#include <chrono>

namespace hearth {

Result<double> measureVulkanCopyBandwidth(int deviceIndex, uint64_t bytes)
{
    auto device = vk::Device::create(deviceIndex);
    if (!device)
        return device.error();
    vk::Device& dev = **device;
    bytes = std::min<uint64_t>(bytes, std::min<uint64_t>(dev.maxStorageBufferRange(), dev.maxAllocationSize()));
    bytes &= ~uint64_t(15);
    vk::Allocator allocator(dev);
    vk::Pipelines pipelines(dev, "");
    vk::DescriptorCache descriptors(dev);
    vk::Recorder rec(dev, pipelines, descriptors);
    auto src = allocator.create(bytes, vk::MemoryKind::DeviceLocal, "bandwidth source");
    if (!src)
        return src.error();
    auto dst = allocator.create(bytes, vk::MemoryKind::DeviceLocal, "bandwidth destination");
    if (!dst) {
        allocator.destroy(*src);
        return dst.error();
    }
    const vk::CopyPush push{uint32_t(bytes / 16)};
    const uint32_t groups = std::min<uint32_t>(uint32_t((bytes / 16 + 255) / 256), 4096);
    // One warm-up run (pipeline creation, first touch), then the best of a few timed runs.
    double best = 1e30;
    Status status = Ok{};
    for (int run = 0; run < 4 && status.ok(); ++run) {
        status = rec.begin();
        if (!status.ok())
            break;
        rec.dispatch(vk::ShaderId::copy, {vk::whole(*src), vk::whole(*dst)}, push, groups);
        const auto start = std::chrono::steady_clock::now();
        status = rec.submitAndWait();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (run > 0)
            best = std::min(best, seconds);
    }
    allocator.destroy(*src);
    allocator.destroy(*dst);
    if (!status.ok())
        return status.error();
    return 2.0 * double(bytes) / best / 1e9;  // bytes read + bytes written
}

}  // namespace hearth
