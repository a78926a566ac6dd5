#include "vulkan/attention.h"

#include "vulkan/ops.h"

#include <algorithm>
#include <cmath>

namespace hearth::vk {

namespace {

// Keys per split at least this many: fewer would cost more in the joining pass than they save. Splits
// past the context's keys find nothing to do and cost one empty workgroup each.
constexpr uint32_t kMinSplitKeys = 64;

} // namespace

AttentionPolicy attentionPolicy(const Device& device, const KernelConfig& config)
{
    // On lavapipe the narrow workgroup measured fastest (1B decode at 130 tokens: 4.9 ms per layer
    // with one split, against 8.9 for two wide splits).
    const uint32_t splits = std::clamp(config.attentionSplits, 1u, kAttentionMaxSplits);
    if (takesCpuShaders(device, config))
        return { splits, true, uint64_t(device.properties().limits.maxTexelBufferElements) * kTexelBytes };
    return { splits, false, 0 };
}

uint32_t attentionSplits(const AttentionPolicy& policy, uint32_t tokens)
{
    return tokens > kAttentionMaxSplitTokens ? 1 : std::clamp(policy.splits, 1u, kAttentionMaxSplits);
}

// The narrow variant views each cache whole, in 16-byte texels (the rows in use are whole texels:
// headDim is a multiple of 8 halves); a cache too large for a view takes the wide one.
ShaderId attentionShader(const AttentionPolicy& policy, uint64_t cacheBytes)
{
    const bool narrow = policy.narrow && cacheBytes / kTexelBytes * kTexelBytes <= policy.maxTexelRange;
    return pipelineFor(narrow ? Op::AttentionNarrow : Op::Attention);
}

void recordAttention(Recorder& rec, const AttentionShape& shape, uint32_t tokens,
    const AttentionPolicy& policy, const AttentionBuffers& b)
{
    const uint32_t splits = attentionSplits(policy, tokens);
    const AttentionPush push { shape.headCount, shape.kvHeadCount, shape.headDim,
        1.0f / std::sqrt(float(shape.headDim)), splits, kMinSplitKeys, splitResultWords(shape) };
    const BufferRef keys { b.k.buffer, 0, b.k.size / kTexelBytes * kTexelBytes };
    const BufferRef values { b.v.buffer, 0, b.v.size / kTexelBytes * kTexelBytes };
    rec.dispatch(attentionShader(policy, std::max(b.k.size, b.v.size)),
        { whole(b.q), keys, values, whole(b.out), whole(b.partials), whole(b.step) }, push, shape.headCount,
        tokens, splits);
}

} // namespace hearth::vk
