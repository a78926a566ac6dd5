// Row-times-batch dot products, the inner loops of matmul (internal to inference/cpu).
// One weight row meets up to kTokenGroup activation vectors, so each block of the row is decoded once
// per group and the row stays in L1 while the tokens go by.
#pragma once

#include "quant/types.h"

#include <cstddef>
#include <cstdint>

namespace hearth::cpu {

constexpr uint32_t kTokenGroup = 64;

// Activations quantized to 8 bits per 32-element block (ggml's block_q8_0, the scale kept as the
// f16-rounded float): what Q4_0 and Q8_0 rows are multiplied with, in integers.
struct BlockQ8x {
    float d;
    int32_t sum; // of qs: the share of Q4_1/Q5_1's offset m in a dot product is m * d * sum
    int8_t qs[32];
};

void quantizeRowQ8(const float* x, BlockQ8x* out, uint32_t n); // n a multiple of 32

// Activations quantized to 8 bits per 256-element super-block (ggml's block_q8_K), with the sum of
// each 32-run and each 16-run (the K-quant mins multiply them: Q4_K/Q5_K per 32, Q2_K per 16): what
// Q4_K, Q5_K, Q6_K and IQ4_XS rows meet on AVX2 CPUs, and Q2_K, Q3_K, IQ3_S rows everywhere.
struct BlockQ8K {
    float d;
    int32_t sums[8];
    int16_t halfSums[16];
    int8_t qs[256];
};

void quantizeRowQ8K(const float* x, BlockQ8K* out, uint32_t n); // n a multiple of 256
// True when `type` rows run against BlockQ8K activations on this CPU (else the float path).
bool usesQ8KActivations(TensorType type);
// Q2_K..Q6_K, IQ3_S and IQ4_XS rows against BlockQ8K activations (see usesQ8KActivations).
void rowDotQ8K(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8K* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride);

// Q2_K, Q3_K and IQ3_S (dot_lowbit.cpp), which rowDotQ8K hands on to: AVX2 where the CPU has it,
// else the portable integer loop, which rowDotLowBitQ8KPortable runs alone (the tests compare them).
bool isLowBitQ8KType(TensorType type);
void rowDotLowBitQ8K(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8K* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride);
void rowDotLowBitQ8KPortable(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8K* xq,
    size_t xqStride, uint32_t nTokens, float* out, size_t outStride);

// IQ4_XS (dot_iquants.cpp), which rowDotQ8K hands on to.
void rowDotIQ4XSQ8K(const uint8_t* row, uint32_t cols, const BlockQ8K* xq, size_t xqStride, uint32_t nTokens,
    float* out, size_t outStride);

// out[t * outStride] = dot(row, x + t * xStride) for t < nTokens (≤ kTokenGroup).
// Float activations: F32, F16, BF16 rows (any length) and the block types that have no integer path
// on this CPU (Q4_K, Q5_K, Q6_K and IQ4_XS without AVX2).
void rowDotFloat(TensorType type, const uint8_t* row, uint32_t cols, const float* x, size_t xStride,
    uint32_t nTokens, float* out, size_t outStride);
// 8-bit activations (xq has cols / 32 blocks per token, tokens xqStride blocks apart): Q4_0, Q8_0 rows
// and the isLegacyQ8Type ones.
void rowDotQ8(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride);

// The 32-element types beside Q4_0/Q8_0 that meet BlockQ8x activations: Q4_1, Q5_0, Q5_1, IQ4_NL
// (dot_legacy.cpp); rowDotQ8 hands them on to rowDotQ8Legacy.
bool isLegacyQ8Type(TensorType type);
void rowDotQ8Legacy(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride);

// Dense float dot product (attention scores and values), vectorized where the CPU allows.
float dotF32(const float* a, const float* b, uint32_t n);
// y += a * x
void axpyF32(float* y, float a, const float* x, uint32_t n);

bool haveAvx2();

} // namespace hearth::cpu
