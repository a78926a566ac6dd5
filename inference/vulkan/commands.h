// The command recorder: binds pipelines and descriptor sets, pushes constants, dispatches, and inserts
// the barriers itself (after ncnn) — it tracks which byte ranges were written and read since the last
// barrier (hazards.h), so call sites never write one: they bind the range a dispatch touches, and work on
// other bytes runs on without waiting. One command buffer per submit; submit waits on a fence.
#pragma once

#include "util/result.h"
#include "vulkan/device.h"
#include "vulkan/hazards.h"
#include "vulkan/loader.h"
#include "vulkan/memory.h"
#include "vulkan/pipeline.h"
#include "vulkan/profiler.h"

#include <initializer_list>
#include <map>
#include <memory>
#include <span>
#include <vector>

namespace hearth::vk {

// Descriptor sets are made once per (pipeline layout, bound ranges) and reused: the forward pass binds
// the same buffers every step and passes offsets in push constants.
class DescriptorCache {
public:
    explicit DescriptorCache(const Device& device)
        : m_device(device)
    {
    }
    ~DescriptorCache();
    DescriptorCache(const DescriptorCache&) = delete;
    DescriptorCache& operator=(const DescriptorCache&) = delete;

    // texelMask: the bindings bound as uniform texel buffers (PipelineSignature::texelMask).
    Result<VkDescriptorSet> get(
        VkDescriptorSetLayout layout, const std::vector<BufferRef>& bindings, uint32_t texelMask = 0);
    // Forgets every set: call after destroying buffers that sets refer to, since a new buffer can get a
    // destroyed one's handle and would then be bound through a stale descriptor.
    void clear();

private:
    struct Key {
        VkDescriptorSetLayout layout;
        std::vector<BufferRef> bindings;
        bool operator<(const Key& o) const;
    };
    Result<VkBufferView> texelView(const BufferRef& ref);

    const Device& m_device;
    std::vector<VkDescriptorPool> m_pools;
    uint32_t m_leftInPool = 0;
    std::map<Key, VkDescriptorSet> m_sets;
    std::vector<VkBufferView> m_views; // of the texel-buffer bindings, destroyed with the sets
};

class Recorder {
public:
    Recorder(const Device& device, Pipelines& pipelines, DescriptorCache& descriptors);
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // reusable: the recording may be submitted again with submitAgain() (the decode step, whose
    // per-step values live in buffers the host writes before each submit).
    Status begin(bool reusable = false);
    // Checks the binding count and push-constant size against the pipeline's signature.
    template <typename Push>
    void dispatch(ShaderId id, std::initializer_list<BufferRef> bindings, const Push& push, uint32_t x,
        uint32_t y = 1, uint32_t z = 1)
    {
        dispatchRaw(id, std::vector<BufferRef>(bindings), &push, sizeof(Push), x, y, z);
    }
    void copy(const BufferRef& src, const BufferRef& dst);
    // Sets every 32-bit word of dst (offset and range multiples of 4) to `word`.
    void fill(const BufferRef& dst, uint32_t word);
    // Ends, submits, waits. Errors: DeviceLost, OutOfMemory; the first error met while recording.
    Status submitAndWait();
    // Submits the last reusable recording again and waits; hasRecording() says whether there is one.
    Status submitAgain();
    bool hasRecording() const { return m_hasRecording; }
    // Forgets the reusable recording (its pipelines or buffers changed): the next step records anew.
    void dropRecording() { m_hasRecording = false; }

    uint32_t dispatchCount() const { return m_dispatches; }
    // Pipeline barriers recorded since begin(): those between hazards and the final one before the
    // host reads (submitAndWait's), so a recording of n dispatches has between 1 and n + 1.
    uint32_t barrierCount() const { return m_barriers; }
    // The pipelines dispatched since begin(), in order (the forward plan's tests compare them).
    const std::vector<ShaderId>& dispatched() const { return m_dispatched; }
    // Whether a barrier went before each of those dispatches: the dispatches between two barriers may
    // run at once.
    const std::vector<bool>& dispatchWaits() const { return m_dispatchWaits; }
    // The bindings each of those dispatches only reads (not written by its pipeline), as bound: what the
    // byte counts of step_traffic.h classify.
    const std::vector<std::vector<BufferRef>>& dispatchReads() const { return m_dispatchReads; }
    // GPU time per shader over the following submits (timestamps around every dispatch); null when
    // off or when the queue has no timestamps.
    void setProfiling(bool on);
    GpuProfiler* profiler() { return m_profiler.get(); }

private:
    void dispatchRaw(ShaderId id, std::vector<BufferRef> bindings, const void* push, uint32_t pushBytes,
        uint32_t x, uint32_t y, uint32_t z);
    // Inserts a barrier when this access conflicts with one since the last barrier; says whether it did.
    bool access(
        std::span<const BufferRef> reads, std::span<const BufferRef> writes, VkPipelineStageFlags stage);
    Status submitRecorded();

    const Device& m_device;
    Pipelines& m_pipelines;
    DescriptorCache& m_descriptors;
    VkCommandPool m_pool = VK_NULL_HANDLE;
    VkCommandBuffer m_cmd = VK_NULL_HANDLE;
    VkFence m_fence = VK_NULL_HANDLE;
    AccessedRanges m_accessed; // since the last barrier
    VkPipelineStageFlags m_stagesSinceBarrier = 0; // of the work recorded since the last barrier
    bool m_recording = false;
    bool m_reusable = false;
    bool m_hasRecording = false;
    uint32_t m_dispatches = 0;
    uint32_t m_barriers = 0;
    std::vector<ShaderId> m_dispatched;
    std::vector<bool> m_dispatchWaits;
    std::vector<std::vector<BufferRef>> m_dispatchReads;
    Status m_error = Ok {};
    std::unique_ptr<GpuProfiler> m_profiler;
};

} // namespace hearth::vk
