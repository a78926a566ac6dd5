#include "vulkan/commands.h"

#include <tuple>

namespace hearth::vk {

bool DescriptorCache::Key::operator<(const Key& o) const
{
    if (layout != o.layout) return layout < o.layout;
    if (bindings.size() != o.bindings.size()) return bindings.size() < o.bindings.size();
    for (size_t i = 0; i < bindings.size(); ++i) {
        const auto a = std::make_tuple(bindings[i].buffer, bindings[i].offset, bindings[i].range);
        const auto b = std::make_tuple(o.bindings[i].buffer, o.bindings[i].offset, o.bindings[i].range);
        if (a != b) return a < b;
    }
    return false;
}

DescriptorCache::~DescriptorCache()
{
    for (VkBufferView view : m_views)
        vkDestroyBufferView(m_device.handle(), view, nullptr);
    for (VkDescriptorPool pool : m_pools)
        vkDestroyDescriptorPool(m_device.handle(), pool, nullptr);
}

void DescriptorCache::clear()
{
    for (VkBufferView view : m_views)
        vkDestroyBufferView(m_device.handle(), view, nullptr);
    m_views.clear();
    for (VkDescriptorPool pool : m_pools)
        vkDestroyDescriptorPool(m_device.handle(), pool, nullptr);
    m_pools.clear();
    m_sets.clear();
    m_leftInPool = 0;
}

Result<VkBufferView> DescriptorCache::texelView(const BufferRef& ref)
{
    // The caller (the product's recorder) checked the device's texel-buffer limits for this range.
    HEARTH_CHECK(ref.offset % m_device.properties().limits.minTexelBufferOffsetAlignment == 0);
    HEARTH_CHECK(ref.range % kTexelBytes == 0);
    HEARTH_CHECK(ref.range / kTexelBytes <= m_device.properties().limits.maxTexelBufferElements);
    VkBufferViewCreateInfo info { VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO };
    info.buffer = ref.buffer;
    // 16-byte texels; every device supports this format for uniform texel buffers (the spec's
    // mandatory format table), so it needs no feature check.
    info.format = VK_FORMAT_R32G32B32A32_UINT;
    info.offset = ref.offset;
    info.range = ref.range;
    VkBufferView view = VK_NULL_HANDLE;
    VkResult vr = vkCreateBufferView(m_device.handle(), &info, nullptr, &view);
    if (vr != VK_SUCCESS) return vulkanError(vr, "vkCreateBufferView");
    m_views.push_back(view);
    return view;
}

Result<VkDescriptorSet> DescriptorCache::get(
    VkDescriptorSetLayout layout, const std::vector<BufferRef>& bindings, uint32_t texelMask)
{
    Key key { layout, bindings };
    auto it = m_sets.find(key);
    if (it != m_sets.end()) return it->second;

    constexpr uint32_t kSetsPerPool = 256;
    constexpr uint32_t kMaxBindings = 8;
    // Texel-buffer bindings need a view of their range, made first so that a failure wastes no set.
    std::vector<VkBufferView> views(bindings.size(), VK_NULL_HANDLE);
    for (size_t i = 0; i < bindings.size(); ++i) {
        if (((texelMask >> i) & 1u) == 0) continue;
        auto view = texelView(bindings[i]);
        if (!view) return view.error();
        views[i] = *view;
    }
    if (m_leftInPool == 0) {
        const VkDescriptorPoolSize sizes[2]
            = { { VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kSetsPerPool * kMaxBindings },
                  { VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, kSetsPerPool * kMaxBindings } };
        VkDescriptorPoolCreateInfo info { VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO };
        info.maxSets = kSetsPerPool;
        info.poolSizeCount = 2;
        info.pPoolSizes = sizes;
        VkDescriptorPool pool = VK_NULL_HANDLE;
        VkResult vr = vkCreateDescriptorPool(m_device.handle(), &info, nullptr, &pool);
        if (vr != VK_SUCCESS) return vulkanError(vr, "vkCreateDescriptorPool");
        m_pools.push_back(pool);
        m_leftInPool = kSetsPerPool;
    }
    VkDescriptorSetAllocateInfo alloc { VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO };
    alloc.descriptorPool = m_pools.back();
    alloc.descriptorSetCount = 1;
    alloc.pSetLayouts = &layout;
    VkDescriptorSet set = VK_NULL_HANDLE;
    VkResult vr = vkAllocateDescriptorSets(m_device.handle(), &alloc, &set);
    if (vr != VK_SUCCESS) return vulkanError(vr, "vkAllocateDescriptorSets");
    --m_leftInPool;

    std::vector<VkDescriptorBufferInfo> infos(bindings.size());
    std::vector<VkWriteDescriptorSet> writes(bindings.size());
    for (size_t i = 0; i < bindings.size(); ++i) {
        infos[i] = { bindings[i].buffer, bindings[i].offset, bindings[i].range };
        writes[i] = { VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET };
        writes[i].dstSet = set;
        writes[i].dstBinding = uint32_t(i);
        writes[i].descriptorCount = 1;
        if (views[i]) {
            writes[i].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
            writes[i].pTexelBufferView = &views[i];
        } else {
            writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
            writes[i].pBufferInfo = &infos[i];
        }
    }
    vkUpdateDescriptorSets(m_device.handle(), uint32_t(writes.size()), writes.data(), 0, nullptr);
    m_sets.emplace(std::move(key), set);
    return set;
}

Recorder::Recorder(const Device& device, Pipelines& pipelines, DescriptorCache& descriptors)
    : m_device(device)
    , m_pipelines(pipelines)
    , m_descriptors(descriptors)
{
    VkCommandPoolCreateInfo poolInfo { VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO };
    poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    poolInfo.queueFamilyIndex = device.queueFamily();
    if (vkCreateCommandPool(device.handle(), &poolInfo, nullptr, &m_pool) != VK_SUCCESS) return;
    VkCommandBufferAllocateInfo alloc { VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO };
    alloc.commandPool = m_pool;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    vkAllocateCommandBuffers(device.handle(), &alloc, &m_cmd);
    VkFenceCreateInfo fenceInfo { VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
    vkCreateFence(device.handle(), &fenceInfo, nullptr, &m_fence);
}

Recorder::~Recorder()
{
    if (m_fence) vkDestroyFence(m_device.handle(), m_fence, nullptr);
    if (m_pool) vkDestroyCommandPool(m_device.handle(), m_pool, nullptr);
}

void Recorder::setProfiling(bool on)
{
    HEARTH_CHECK(!m_recording);
    m_hasRecording = false; // recorded without (or with) the timestamps
    m_profiler.reset();
    if (on) {
        m_profiler = std::make_unique<GpuProfiler>(m_device);
        if (!m_profiler->enabled()) m_profiler.reset();
    }
}

Status Recorder::begin(bool reusable)
{
    if (!m_cmd || !m_fence)
        return makeError(ErrorCode::Internal, "command buffer or fence could not be created");
    m_hasRecording = false;
    m_reusable = reusable;
    vkResetCommandBuffer(m_cmd, 0);
    VkCommandBufferBeginInfo info { VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
    info.flags = reusable ? 0 : VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VkResult vr = vkBeginCommandBuffer(m_cmd, &info);
    if (vr != VK_SUCCESS) return vulkanError(vr, "vkBeginCommandBuffer");
    m_recording = true;
    m_accessed.clear();
    m_stagesSinceBarrier = 0;
    m_dispatches = 0;
    m_barriers = 0;
    m_dispatched.clear();
    m_dispatchWaits.clear();
    m_dispatchReads.clear();
    m_error = Ok {};
    if (m_profiler) m_profiler->begin(m_cmd);
    return Ok {};
}

bool Recorder::access(
    std::span<const BufferRef> reads, std::span<const BufferRef> writes, VkPipelineStageFlags stage)
{
    // Read-after-write, write-after-write and write-after-read all need the previous work finished
    // (and its writes visible): one global memory barrier covers them all. Its stages are only those
    // of the work on each side (compute after compute, almost always), not every stage we use.
    const bool hazard = m_accessed.conflicts(reads, writes);
    if (hazard) {
        const bool fromTransfer = m_stagesSinceBarrier & VK_PIPELINE_STAGE_TRANSFER_BIT;
        const bool fromCompute = m_stagesSinceBarrier & VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
        const bool toTransfer = stage == VK_PIPELINE_STAGE_TRANSFER_BIT;
        VkMemoryBarrier barrier { VK_STRUCTURE_TYPE_MEMORY_BARRIER };
        barrier.srcAccessMask = (fromCompute ? VkAccessFlags(VK_ACCESS_SHADER_WRITE_BIT) : 0u)
            | (fromTransfer ? VkAccessFlags(VK_ACCESS_TRANSFER_WRITE_BIT) : 0u);
        barrier.dstAccessMask = toTransfer ? VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT
                                           : VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
        vkCmdPipelineBarrier(m_cmd, m_stagesSinceBarrier, stage, 0, 1, &barrier, 0, nullptr, 0, nullptr);
        ++m_barriers;
        m_accessed.clear();
        m_stagesSinceBarrier = 0;
    }
    m_accessed.add(reads, writes);
    m_stagesSinceBarrier |= stage;
    return hazard;
}

void Recorder::dispatchRaw(ShaderId id, std::vector<BufferRef> bindings, const void* push, uint32_t pushBytes,
    uint32_t x, uint32_t y, uint32_t z)
{
    HEARTH_CHECK(m_recording);
    if (!m_error.ok() || x == 0 || y == 0 || z == 0) return;
    auto pipeline = m_pipelines.get(id);
    if (!pipeline) {
        m_error = pipeline.error();
        return;
    }
    const Pipeline& p = **pipeline;
    // The call must match the pipeline it names: a mismatch is a programming error.
    HEARTH_CHECK(bindings.size() == p.signature.bindings);
    HEARTH_CHECK(pushBytes == p.signature.pushBytes);
    const uint32_t maxGroups = m_device.properties().limits.maxComputeWorkGroupCount[0];
    HEARTH_CHECK(x <= maxGroups && y <= m_device.properties().limits.maxComputeWorkGroupCount[1]);

    // The shader tables, never written once uploaded, go after the call's bindings untracked.
    const size_t callBindings = bindings.size();
    uint32_t texelMask = p.signature.texelMask;
    if (p.signature.tables) {
        auto tables = m_pipelines.tables();
        if (!tables) {
            m_error = tables.error();
            return;
        }
        bindings.push_back(*tables);
        texelMask |= 1u << callBindings;
    }
    auto set = m_descriptors.get(p.setLayout, bindings, texelMask);
    if (!set) {
        m_error = set.error();
        return;
    }
    // Written bindings may be read too (an accumulating product): they count as both.
    std::vector<BufferRef> writes;
    std::vector<BufferRef> readOnly;
    for (size_t i = 0; i < callBindings; ++i) {
        if (p.signature.writeMask & (1u << i))
            writes.push_back(bindings[i]);
        else
            readOnly.push_back(bindings[i]);
    }
    const bool waited
        = access(std::span(bindings.data(), callBindings), writes, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
    vkCmdBindPipeline(m_cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
    vkCmdBindDescriptorSets(m_cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0, 1, &*set, 0, nullptr);
    vkCmdPushConstants(m_cmd, p.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, pushBytes, push);
    vkCmdDispatch(m_cmd, x, y, z);
    ++m_dispatches;
    m_dispatched.push_back(id);
    m_dispatchWaits.push_back(waited);
    m_dispatchReads.push_back(std::move(readOnly));
    if (m_profiler) m_profiler->mark(m_cmd, std::string(pipelineName(id)));
}

void Recorder::copy(const BufferRef& src, const BufferRef& dst)
{
    HEARTH_CHECK(m_recording);
    if (!m_error.ok() || src.range == 0) return;
    const BufferRef written { dst.buffer, dst.offset, src.range }; // src.range bytes, whatever dst's range
    access({ &src, 1 }, { &written, 1 }, VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkBufferCopy region { src.offset, dst.offset, src.range };
    vkCmdCopyBuffer(m_cmd, src.buffer, dst.buffer, 1, &region);
}

void Recorder::fill(const BufferRef& dst, uint32_t word)
{
    HEARTH_CHECK(m_recording);
    if (!m_error.ok() || dst.range == 0) return;
    access({}, { &dst, 1 }, VK_PIPELINE_STAGE_TRANSFER_BIT);
    vkCmdFillBuffer(m_cmd, dst.buffer, dst.offset, dst.range, word);
}

Status Recorder::submitAndWait()
{
    HEARTH_CHECK(m_recording);
    m_recording = false;
    // Make every write visible to the host before it reads readback buffers.
    VkMemoryBarrier barrier { VK_STRUCTURE_TYPE_MEMORY_BARRIER };
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(m_cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
        VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &barrier, 0, nullptr, 0, nullptr);
    ++m_barriers;
    VkResult vr = vkEndCommandBuffer(m_cmd);
    if (vr != VK_SUCCESS) return vulkanError(vr, "vkEndCommandBuffer");
    if (!m_error.ok()) return m_error;
    if (Status s = submitRecorded(); !s.ok()) return s;
    m_hasRecording = m_reusable;
    return Ok {};
}

Status Recorder::submitAgain()
{
    HEARTH_CHECK(m_hasRecording && !m_recording);
    if (m_profiler) m_profiler->restart();
    return submitRecorded();
}

Status Recorder::submitRecorded()
{
    if (const VkResult fault = m_device.takeInjectedFault(); fault != VK_SUCCESS)
        return vulkanError(fault, "vkQueueSubmit");
    vkResetFences(m_device.handle(), 1, &m_fence);
    VkSubmitInfo submit { VK_STRUCTURE_TYPE_SUBMIT_INFO };
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &m_cmd;
    if (m_profiler) m_profiler->submitted();
    VkResult vr = vkQueueSubmit(m_device.queue(), 1, &submit, m_fence);
    if (vr != VK_SUCCESS) return vulkanError(vr, "vkQueueSubmit");
    vr = vkWaitForFences(m_device.handle(), 1, &m_fence, VK_TRUE, UINT64_MAX);
    if (vr != VK_SUCCESS) return vulkanError(vr, "waiting for the GPU");
    if (m_profiler) m_profiler->collect();
    return Ok {};
}

} // namespace hearth::vk
