// What one decode step costs, counted from its recording (the decode recorder keeps the dispatches of
// its last recording and the bindings each one reads): dispatches, barriers, and the bytes read from
// the weights and the KV cache, for `hearth-cli bench` and hearth-vk-check to set against the ideal
// (decodeWeightBytes + decodeKvBytes, from the model file).
#include "vulkan/registry.h"
#include "vulkan/vulkan_model.h"

#include <algorithm>

namespace hearth {
namespace vk {

std::optional<VulkanStepCounts> VulkanBackend::decodeStepCounts(uint32_t position) const
{
    if (!m_decodeRecorder.hasRecording()) return std::nullopt;
    const uint64_t kvRowBytes = uint64_t(m_config.kvHeadCount) * m_config.headDim * sizeof(uint16_t);
    const uint64_t kvInUse = (uint64_t(position) + 1) * kvRowBytes;
    auto isKvCache = [&](VkBuffer b) {
        return std::any_of(m_kv.begin(), m_kv.end(),
            [&](const KvCache& kv) { return kv.k.buffer == b || kv.v.buffer == b; });
    };
    VulkanStepCounts counts;
    counts.dispatches = m_decodeRecorder.dispatchCount();
    counts.barriers = m_decodeRecorder.barrierCount();
    const std::vector<ShaderId>& ids = m_decodeRecorder.dispatched();
    const std::vector<std::vector<BufferRef>>& reads = m_decodeRecorder.dispatchReads();
    bool embedded = false;
    for (size_t i = 0; i < ids.size(); ++i) {
        // The embedding gathers the token's row from whichever piece of the table holds it.
        const bool embed = pipelineInfo(ids[i]).op == Op::Embed;
        for (const BufferRef& r : reads[i]) {
            if (m_weights.holds(r.buffer) && embed)
                embedded = true;
            else if (m_weights.holds(r.buffer))
                counts.weightBytes += r.range;
            else if (isKvCache(r.buffer))
                counts.kvBytes += std::min(r.range, kvInUse);
        }
    }
    if (embedded) counts.weightBytes += m_weights.matrix(m_tokenEmbedding).rowBytes;
    return counts;
}

std::vector<bool> VulkanBackend::decodeStepWaits() const
{
    if (!m_decodeRecorder.hasRecording()) return {};
    return m_decodeRecorder.dispatchWaits();
}

} // namespace vk

std::optional<VulkanStepCounts> vulkanDecodeStepCounts(Backend& backend, uint32_t position)
{
    auto* vulkan = dynamic_cast<vk::VulkanBackend*>(&backend);
    if (!vulkan) return std::nullopt;
    return vulkan->decodeStepCounts(position);
}

} // namespace hearth
