#include "vulkan/attention.h"

#include "vulkan/ops.h"

#include <algorithm>
#include <cmath>

namespace hearth::vk {

namespace {

uint32_t ceilDiv(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

// Keys per split at least this many: fewer would cost more in the joining pass than they save.
constexpr uint32_t kMinSplitKeys = 64;

}  // namespace

uint64_t attentionPartialsBytes(const AttentionShape& shape)
{
    return uint64_t(kAttentionMaxSplitTokens) * shape.headCount * kAttentionMaxSplits * (2 + shape.headDim) *
           sizeof(float);
}

void recordAttention(Recorder& rec, const AttentionShape& shape, uint32_t startPos, uint32_t tokens,
                     const AttentionBuffers& b)
{
    const uint32_t keys = startPos + tokens;  // the last query sees them all
    const uint32_t splits =
        tokens > kAttentionMaxSplitTokens ? 1 : std::clamp(keys / kMinSplitKeys, 1u, kAttentionMaxSplits);
    const uint32_t splitKeys = ceilDiv(keys, splits);
    const AttentionPush push{startPos,  shape.headCount, shape.kvHeadCount, shape.headDim,
                             1.0f / std::sqrt(float(shape.headDim)), splits, splitKeys};
    rec.dispatch(ShaderId::attention, {whole(b.q), whole(b.k), whole(b.v), whole(b.out), whole(b.partials)}, push,
                 shape.headCount, tokens, splits);
    if (splits > 1) {
        const AttentionCombinePush combine{shape.headCount, shape.headDim, splits};
        rec.dispatch(ShaderId::attention_combine, {whole(b.partials), whole(b.out)}, combine, shape.headCount, tokens);
    }
}

}  // namespace hearth::vk
