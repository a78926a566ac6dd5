// The CPU kernels of the llama forward pass. They are the reference ("CPU twins") that the Vulkan
// shaders are tested against, so their signatures stay small and stable. Activations are f32,
// row-major: a batch of n tokens is n consecutive vectors.
#pragma once

#include "model/tensor_view.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace hearth {

class ThreadPool;
struct PackedMatrix;

// out[i] = x[i] / sqrt(mean(x²) + eps) * weight[i], for each of `rows` vectors of length n.
void rmsNorm(float* out, const float* x, const float* weight, uint32_t n, uint32_t rows, float eps);

// out[t][r] = dot(w.row(r), x[t]) for t < nTokens, r < w.rows; x is (nTokens, w.cols), out is
// (nTokens, w.rows). Quantized rows are dequantized block by block inside the dot product. As in
// llama.cpp, Q4_0/Q4_1/Q5_0/Q5_1/Q8_0/IQ4_NL rows meet the activations quantized to 8 bits per
// 32-block, and on AVX2 CPUs Q4_K/Q5_K/Q6_K/IQ4_XS rows meet them quantized to 8 bits per 256-block
// (elsewhere, and for Q2_K, Q3_K, IQ3_S: f32 activations). Weights are read once per 64 tokens. `pool` may be
// null (single thread). `packed`, when given, is w's panels (cpu/packed_matrix.h): the rows it covers
// run through the panel kernels, with the same results up to float rounding.
void matmul(const TensorView& w, const float* x, uint32_t nTokens, float* out, ThreadPool* pool,
    const PackedMatrix* packed = nullptr);

// Several weights with the same input and cols (q/k/v, gate/up) in one dispatch: the same results as
// one matmul per job, with one quantization of x and one wake-up of the threads. At most 8 jobs.
struct MatmulJob {
    const TensorView* w;
    float* out; // (nTokens, w->rows)
    const PackedMatrix* packed = nullptr; // w's panels, if packed
};
void matmulMany(const MatmulJob* jobs, size_t jobCount, const float* x, uint32_t nTokens, ThreadPool* pool);

// Rotates adjacent pairs (x[2i], x[2i+1]) of each head of one token at position `pos`:
// theta_i = pos * base^(-2i/headDim) / factors[i] (factors may be null: all 1).
void rope(float* x, uint32_t headCount, uint32_t headDim, uint32_t pos, float freqBase, const float* factors);

// A layer of the KV cache: `positions` rows of kvHeadCount * headDim, f32 or f16 (raw bits).
struct KvView {
    const void* data = nullptr;
    bool f16 = false;
    uint32_t rowElements = 0; // kvHeadCount * headDim
};

struct AttentionShape {
    uint32_t headCount = 0;
    uint32_t kvHeadCount = 0; // divides headCount: head h reads kv head h / (headCount / kvHeadCount)
    uint32_t headDim = 0;
};

// Causal grouped-query attention for tokens at positions [startPos, startPos + nTokens): token t
// attends to cache rows 0..startPos + t, scores scaled by 1/sqrt(headDim), softmax with the maximum
// subtracted. q and out are (nTokens, headCount * headDim); the cache must already hold these tokens.
void attention(const AttentionShape& shape, const float* q, const KvView& k, const KvView& v,
    uint32_t startPos, uint32_t nTokens, float* out, ThreadPool* pool);

// out[i] = silu(gate[i]) * up[i]; out may alias gate.
void swiglu(float* out, const float* gate, const float* up, uint32_t n);

// out[i] += x[i] (the residual connection).
void add(float* out, const float* x, uint32_t n);

// out = the dequantized row `token` of the embedding table (cols floats).
void embeddingLookup(const TensorView& table, int32_t token, float* out);

// Converts a row of n floats to half precision bits (the f16 KV cache).
void toF16(uint16_t* out, const float* x, uint32_t n);

// True when the AVX2/FMA/F16C paths run on this CPU (else portable code).
bool cpuHasAvx2();

// What the CPU backend calls itself: "cpu (avx512-vnni)", "cpu (avx2)" or "cpu".
std::string cpuDeviceName();

} // namespace hearth
