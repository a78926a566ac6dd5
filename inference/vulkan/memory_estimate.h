// The device memory a model needs on the Vulkan backend, from its shape alone: the weights as stored
// (each piece padded) and the shaders' lookup tables, the KV cache of a context, the activations of a
// prefill batch. No device and no Vulkan call, so the window can say whether a model fits a GPU — one
// in the models folder, or one of the catalog's before it is downloaded — with the same numbers the
// backend checks when it loads.
#pragma once

#include "model/llama_config.h"

#include <cstdint>

namespace hearth {

namespace vk {
// Bytes the shaders may read past a piece's end (the second word of a two-word read).
constexpr uint64_t kWeightPadding = 16;
// The lookup tables of the types that read one (shader_tables.h: the IQ3_S grid), counted for every
// model: the footprint does not say which types a file holds.
constexpr uint64_t kShaderTableBytes = 2048;
} // namespace vk

struct WeightFootprint {
    uint64_t bytes = 0; // the tensors' bytes as stored in the file
    uint64_t tensorCount = 0;
};

// K and V, f16, every layer, `contextLength` positions.
uint64_t kvCacheBytes(const LlamaConfig& config, uint32_t contextLength);
// Activations for a batch of `batch` tokens and `logitRows` rows of logits.
uint64_t activationBytes(const LlamaConfig& config, uint32_t batch, uint32_t logitRows);
// Weights + KV cache of `contextLength` + the activations of a 512-token batch.
uint64_t estimateDeviceMemory(
    const WeightFootprint& weights, const LlamaConfig& config, uint32_t contextLength);
// The most positions of KV cache, a multiple of 256, that fit beside the model in `available` bytes
// with each layer's K or V cache in one buffer of at most `bufferLimit` bytes (0: no such limit);
// 0 when not even the model fits.
uint64_t contextThatFits(
    const WeightFootprint& weights, const LlamaConfig& config, uint64_t available, uint64_t bufferLimit);

} // namespace hearth
