// Attention's shape and the limits of its splits, and the size of the buffer the splits' results
// go to: plain arithmetic, shared by the recording (attention.h) and the memory estimate.
#pragma once

#include <cstdint>

namespace hearth::vk {

struct AttentionShape {
    uint32_t headCount;
    uint32_t kvHeadCount;
    uint32_t headDim; // a multiple of 8, at most 256
};

// Batches up to this many tokens are split over the context.
constexpr uint32_t kAttentionMaxSplitTokens = 4;
// At most this many splits per (head, token): the joining workgroup reads one per invocation, and the
// narrow workgroup has 32.
constexpr uint32_t kAttentionMaxSplits = 32;

// Words of the splits' results; their counters (one per (token, head)) follow.
inline uint32_t splitResultWords(const AttentionShape& shape)
{
    return kAttentionMaxSplitTokens * shape.headCount * kAttentionMaxSplits * (2 + shape.headDim);
}

inline uint64_t attentionPartialsBytes(const AttentionShape& shape)
{
    return (uint64_t(splitResultWords(shape)) + kAttentionMaxSplitTokens * shape.headCount) * sizeof(float);
}

} // namespace hearth::vk
