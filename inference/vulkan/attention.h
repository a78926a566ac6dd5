// Recording attention over the KV cache: one workgroup per (head, token) when the batch already fills
// the device (prefill), or, for a few tokens (decode), several per (head, token), each over a range of
// the context, so that a long context is read by many workgroups at once. The split that finishes
// last joins them, in the same dispatch.
#pragma once

#include "vulkan/attention_shape.h"
#include "vulkan/commands.h"
#include "vulkan/kernel_config.h"

#include <cstdint>

namespace hearth::vk {

struct AttentionBuffers {
    const Buffer& q; // (tokens, heads * headDim) rotated queries
    const Buffer& k; // the layer's KV cache, f16
    const Buffer& v;
    const Buffer& out; // (tokens, heads * headDim)
    const Buffer& partials; // attentionPartialsBytes(), zeroed once: the splits' results and counters
    const Buffer& step; // StepParams (ops.h): the position of the first query
};

// How attention runs on this device: splits per (head, token) for a few tokens (a GPU wants many
// workgroups in flight; a CPU device such as lavapipe has a few cores and pays for every workgroup),
// and the narrow 32-invocation variant (CPU devices), which reads the cache through texel buffers,
// or the 128-invocation one.
struct AttentionPolicy {
    uint32_t splits = kAttentionMaxSplits;
    bool narrow = false;
    uint64_t maxTexelRange = 0; // narrow: the largest texel view in bytes; a larger cache takes the wide one
};
// The splits are the kernel config's (kernel_config.h); the narrow variant is a CPU device's.
AttentionPolicy attentionPolicy(const Device& device, const KernelConfig& config);

// The variant attention takes for a cache of `cacheBytes` (one layer's K or V), and the splits per
// (head, token) for a batch of `tokens` tokens.
ShaderId attentionShader(const AttentionPolicy& policy, uint64_t cacheBytes);
uint32_t attentionSplits(const AttentionPolicy& policy, uint32_t tokens);

// Queries at positions startPos .. startPos + tokens - 1 (startPos read from the step buffer when the
// GPU runs, so the recording serves any position) attend to keys 0 .. their position. The policy's
// splits are used for batches of up to kAttentionMaxSplitTokens tokens.
void recordAttention(Recorder& rec, const AttentionShape& shape, uint32_t tokens,
    const AttentionPolicy& policy, const AttentionBuffers& buffers);

} // namespace hearth::vk
