// The integer-dot-product decode path, after llama.cpp's "mmvq": the activation vector is quantized
// to int8 units of 32 elements with a scale (quantize_q8.comp, with the RMSNorm before the product
// fused in or not), and the mat-vec takes packed 4 x 8-bit integer dot products, one per 4 weights,
// applying the weight scales once per unit (mul_mat_vec_q8.comp). A GPU's float mat-vec is limited
// by the instructions it spends per weight (nibbles, conversions, one fma each), not by memory.
// The activations' layout is in shaders/include/q8_activations.glsl.
#pragma once

#include "vulkan/ops.h"
#include "vulkan/products.h"
#include "vulkan/products_norm.h"

namespace hearth::vk {

// 16-byte words one token's quantized activations of `cols` elements take: per 32-element unit,
// 32 bytes of values and 8 of (d, d * sum).
constexpr uint32_t q8Stride(uint32_t cols)
{
    return ceilDiv(cols / 32 * 40, 16);
}

// Whether products of `tokens` tokens take this path here (decode batches on a GPU, policy.intDot).
bool usesIntDot(const ProductPolicy& policy, uint32_t tokens);
// Whether W has an integer-dot-product shader (Q4_0, Q8_0, Q4_K, Q5_K, Q6_K); others keep the float
// mat-vec.
bool hasIntDotProduct(const GpuMatrix& w);

// q8 = quantize(x[t]) for `tokens` tokens of `cols` elements (a multiple of 32).
void recordQuantize(Recorder& rec, Activation x, uint32_t cols, uint32_t tokens, const Buffer& q8);
// q8 = quantize(rmsNorm(x[t]) * norm.weight).
void recordNormQuantize(
    Recorder& rec, const NormArgs& norm, Activation x, uint32_t cols, uint32_t tokens, const Buffer& q8);

// y[t][r] (+)= W[r] . x[t] over every piece of W, x as quantized into q8 (by one of the above).
void recordQ8Product(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, const Buffer& q8,
    uint32_t tokens, Activation y, bool accumulate);
// Whether the q|k|v products of `tokens` tokens take the RoPE and cache store in (recordQ8RopeProduct):
// with rows per workgroup even, so each rotated pair of rows is computed by one workgroup.
bool q8FusesRope(const ProductPolicy& policy, uint32_t tokens);
// Rows firstRow.. of q|k|v (W holds them) from x quantized into q8, rotated where they are q or k rows
// and stored into q or the cache (only where q8FusesRope).
void recordQ8RopeProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, const Buffer& q8,
    uint32_t tokens, uint32_t firstRow, const RopeStoreArgs& rope);
// h[t][r] = silu(gate[r] . x[t]) * (up[r] . x[t]) for a stacked one-piece [gate; up], x quantized into
// q8; false (nothing recorded) when the matrix has several pieces.
bool recordQ8SwigluProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp,
    const Buffer& q8, uint32_t tokens, Activation h);

} // namespace hearth::vk
