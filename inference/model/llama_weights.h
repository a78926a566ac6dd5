// LlamaWeights: every tensor of a llama model, bound by name with its shape checked once, on load.
// Views into the mapped file: the GgufFile must outlive the weights (and every backend built on them).
#pragma once

#include "gguf/gguf.h"
#include "model/llama_config.h"
#include "model/tensor_view.h"
#include "util/result.h"

#include <vector>

namespace hearth {

// Shapes are written (rows, cols) = (output, input); q = headCount * headDim, kv = kvHeadCount * headDim.
struct LlamaLayerWeights {
    TensorView attnNorm; // (dim) F32
    TensorView wq; // (q, dim)
    TensorView wk; // (kv, dim)
    TensorView wv; // (kv, dim)
    TensorView wo; // (dim, q)
    TensorView ffnNorm; // (dim) F32
    TensorView ffnGate; // (ffnDim, dim)
    TensorView ffnUp; // (ffnDim, dim)
    TensorView ffnDown; // (dim, ffnDim)
};

struct LlamaWeights {
    TensorView tokenEmbedding; // (vocab, dim)
    TensorView outputNorm; // (dim) F32
    TensorView output; // (vocab, dim); the same view as tokenEmbedding when tied
    TensorView ropeFreqs; // (headDim / 2) F32, divides each pair's frequency; empty when absent
    std::vector<LlamaLayerWeights> layers; // layerCount
    // The views point into a read-only file mapping (GgufFile::fileMapped): a backend that copies a
    // tensor may drop its pages (releaseFilePages); they are read from the file again if touched.
    bool fileMapped = false;

    // Binds every tensor by name; a missing tensor, a wrong shape or an unsupported type is an error
    // naming the tensor, what was expected and what was found.
    static Result<LlamaWeights> bind(const GgufFile& file, const LlamaConfig& config);
};

// The bytes one decode step must read at least, the ideal a backend's traffic is set against: every
// layer matrix and norm, the output norm and matrix, the RoPE factors, and the token's embedding row.
uint64_t decodeWeightBytes(const LlamaWeights& weights);
// The KV cache (f16 keys and values, every layer) that a decode step at `position` reads: positions
// 0..position.
uint64_t decodeKvBytes(const LlamaConfig& config, uint32_t position);

// The types the CPU kernels run: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL, Q2_K, Q3_K,
// Q4_K, Q5_K, Q6_K, IQ4_XS, IQ3_S (the Vulkan shaders too: vk::kWeightTypes, checkVulkanWeightTypes).
bool isSupportedWeightType(TensorType type);

} // namespace hearth
