#include "vk_harness.h"

namespace hearth::test {

std::unique_ptr<VkHarness> VkHarness::create(std::string* why)
{
    auto device = vk::Device::create(-1);
    if (!device) {
        *why = device.error().message;
        return nullptr;
    }
    auto h = std::make_unique<VkHarness>();
    h->device = std::move(*device);
    h->allocator = std::make_unique<vk::Allocator>(*h->device);
    h->pipelines = std::make_unique<vk::Pipelines>(*h->device, "");
    h->descriptors = std::make_unique<vk::DescriptorCache>(*h->device);
    h->recorder = std::make_unique<vk::Recorder>(*h->device, *h->pipelines, *h->descriptors);
    return h;
}

VkHarness* VkHarness::shared(std::string* why)
{
    static std::unique_ptr<VkHarness> harness;
    static std::string error;
    static bool tried = false;
    if (!tried) {
        tried = true;
        harness = create(&error);
    }
    *why = error;
    return harness.get();
}

void VkHarness::releaseBuffers()
{
    vk::vkDeviceWaitIdle(device->handle());
    for (vk::Buffer& b : buffers)
        allocator->destroy(b);
    buffers.clear();
    descriptors->clear();
}

VkHarness::~VkHarness()
{
    releaseBuffers();
    recorder.reset();
    descriptors.reset();
    pipelines.reset();
}

vk::Buffer VkHarness::upload(const void* data, size_t bytes)
{
    auto b = allocator->create(bytes + 16, vk::MemoryKind::Upload, "test");
    HEARTH_CHECK(b.ok());
    std::memset(b->mapped, 0, bytes + 16);
    if (data) std::memcpy(b->mapped, data, bytes);
    buffers.push_back(*b);
    return *b;
}

vk::Buffer VkHarness::zeros(size_t bytes)
{
    return upload(nullptr, bytes);
}

} // namespace hearth::test
