// Recording attention over the KV cache: one pass when the batch's (head, token) workgroups already
// fill the device (prefill), or split over the context and joined by a second pass for a few tokens
// (decode), so that a long context is read by many workgroups at once.
#pragma once

#include "vulkan/commands.h"

#include <cstdint>

namespace hearth::vk {

struct AttentionShape {
    uint32_t headCount;
    uint32_t kvHeadCount;
    uint32_t headDim;  // a multiple of 8, at most 256
};

struct AttentionBuffers {
    const Buffer& q;         // (tokens, heads * headDim) rotated queries
    const Buffer& k;         // the layer's KV cache, f16
    const Buffer& v;
    const Buffer& out;       // (tokens, heads * headDim)
    const Buffer& partials;  // attentionPartialsBytes(): the splits' maxima, sums and outputs
};

// Batches up to this many tokens are split over the context.
constexpr uint32_t kAttentionMaxSplitTokens = 4;
// At most this many splits per (head, token).
constexpr uint32_t kAttentionMaxSplits = 32;

uint64_t attentionPartialsBytes(const AttentionShape& shape);

// Queries at positions startPos .. startPos + tokens - 1 attend to keys 0 .. their position.
void recordAttention(Recorder& rec, const AttentionShape& shape, uint32_t startPos, uint32_t tokens,
                     const AttentionBuffers& buffers);

}  // namespace hearth::vk
