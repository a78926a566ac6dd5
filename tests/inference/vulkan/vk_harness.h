// A bare device for the per-operation tests: host-visible buffers the shaders read and write directly,
// and the recorder to dispatch one shader at a time. create() fails (not skips) the calling test when
// HEARTH_REQUIRE_VULKAN=1 and there is no device.
#pragma once

#include "vulkan/commands.h"
#include "vulkan/device.h"
#include "vulkan/memory.h"
#include "vulkan/pipeline.h"

#include <cstring>
#include <memory>
#include <vector>

namespace hearth::test {

struct VkHarness {
    std::unique_ptr<vk::Device> device;
    std::unique_ptr<vk::Allocator> allocator;
    std::unique_ptr<vk::Pipelines> pipelines;
    std::unique_ptr<vk::DescriptorCache> descriptors;
    std::unique_ptr<vk::Recorder> recorder;
    std::vector<vk::Buffer> buffers;

    // Null when no device (the message says why).
    static std::unique_ptr<VkHarness> create(std::string* why);
    // One harness per process (pipelines compile once); null when no device.
    static VkHarness* shared(std::string* why);
    ~VkHarness();
    // Frees the test buffers (between test functions).
    void releaseBuffers();

    // A host-visible buffer holding `bytes` (+16 bytes of padding for the two-word weight reads).
    vk::Buffer upload(const void* data, size_t bytes);
    vk::Buffer zeros(size_t bytes);
    template <typename T> vk::Buffer upload(const std::vector<T>& v)
    {
        return upload(v.data(), v.size() * sizeof(T));
    }
    template <typename T> std::vector<T> read(const vk::Buffer& b, size_t count) const
    {
        std::vector<T> out(count);
        std::memcpy(out.data(), b.mapped, count * sizeof(T));
        return out;
    }
};

} // namespace hearth::test

// In a Qt Test slot: obtains the harness or fails/skips as CI demands.
#define HEARTH_VK_HARNESS(name)                                                                              \
    std::string vkWhy_;                                                                                      \
    auto* name = ::hearth::test::VkHarness::shared(&vkWhy_);                                                 \
    if (!name) {                                                                                             \
        if (::hearth::test::vulkanRequired())                                                                \
            QFAIL(("no Vulkan device (HEARTH_REQUIRE_VULKAN=1): " + vkWhy_).c_str());                        \
        QSKIP(("no Vulkan device: " + vkWhy_).c_str());                                                      \
    }                                                                                                        \
    name->releaseBuffers()
