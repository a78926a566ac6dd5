#include "vulkan/attention.h"

#include "vulkan/ops.h"

#include <algorithm>
#include <cmath>

namespace hearth::vk {

namespace {

uint32_t ceilDiv(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

// Keys per split at least this many: fewer would cost more in the joining pass than they save. Splits
// past the context's keys find nothing to do and cost one empty workgroup each.
constexpr uint32_t kMinSplitKeys = 64;

}  // namespace

uint64_t attentionPartialsBytes(const AttentionShape& shape)
{
    return uint64_t(kAttentionMaxSplitTokens) * shape.headCount * kAttentionMaxSplits * (2 + shape.headDim) *
           sizeof(float);
}

uint32_t attentionSplits(const Device& device)
{
    return device.properties().deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ? 2 : kAttentionMaxSplits;
}

void recordAttention(Recorder& rec, const AttentionShape& shape, uint32_t tokens, uint32_t splits,
                     const AttentionBuffers& b)
{
    splits = tokens > kAttentionMaxSplitTokens ? 1 : std::clamp(splits, 1u, kAttentionMaxSplits);
    const AttentionPush push{shape.headCount, shape.kvHeadCount, shape.headDim, 1.0f / std::sqrt(float(shape.headDim)),
                             splits, kMinSplitKeys};
    rec.dispatch(ShaderId::attention,
                 {whole(b.q), whole(b.k), whole(b.v), whole(b.out), whole(b.partials), whole(b.step)}, push,
                 shape.headCount, tokens, splits);
    if (splits > 1) {
        const AttentionCombinePush combine{shape.headCount, shape.headDim, splits};
        rec.dispatch(ShaderId::attention_combine, {whole(b.partials), whole(b.out)}, combine, shape.headCount, tokens);
    }
}

}  // namespace hearth::vk
