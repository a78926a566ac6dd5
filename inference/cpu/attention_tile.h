// The inner step of CPU attention (cpu/attention.cpp): a tile of kKeyTile cached positions is read
// once (f16 converted, keys transposed) and then serves every query row that sees it, each row
// keeping a running maximum and sum (the online softmax of FlashAttention), so no row ever holds its
// whole score vector. Portable and AVX2 code, chosen at run time (internal to inference/cpu).
#pragma once

#include "cpu/kernels.h"

#include <cmath>
#include <cstdint>

namespace hearth::cpu {

constexpr uint32_t kKeyTile = 64;

// The vectorized exp of the softmax, the same in every SIMD width: Cephes' expf. x = n ln2 + r with
// |r| ≤ ln2/2 (ln2 in two parts, so r is exact), e^r ≈ 1 + r + r² P(r) with P of degree 5, 2^n from
// the exponent bits; within 2 ulp. Inputs below kLow (2^n would leave the normal floats), -inf
// among them, give 0.
namespace expf_poly {
constexpr float kLow = -87.3f, kHigh = 88.3f;
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2High = 0.693359375f, kLn2Low = -2.12194440e-4f;
constexpr float kCoefficients[6] = { 1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f,
    1.6666665459e-1f, 5.0000001201e-1f };
} // namespace expf_poly

// The running softmax of one query row: `max` of the scores seen so far, `sum` of exp(score - max).
// The row's output accumulates sum_j exp(score_j - max) v_j and is divided by `sum` at the end.
struct SoftmaxRow {
    float max = -INFINITY;
    float sum = 0;
};

// Cache positions [first, first + count) (count ≤ kKeyTile) of the head at element `offset`, as floats:
// keys transposed, kT[d * kKeyTile + j] = element d of key j; values as rows, v[j * headDim + d].
// Positions from count up to kKeyTile are zero.
void loadKeyTile(
    const KvView& cache, uint32_t first, uint32_t count, uint32_t offset, uint32_t headDim, float* kT);
void loadValueTile(
    const KvView& cache, uint32_t first, uint32_t count, uint32_t offset, uint32_t headDim, float* v);

// One query row q (headDim floats, already scaled by 1/sqrt(headDim)) against the first `visible`
// (1..kKeyTile) keys and values of a loaded tile: updates `row` and the unnormalised output `out`.
void attendTile(const float* q, const float* kT, const float* v, uint32_t headDim, uint32_t visible,
    SoftmaxRow& row, float* out);

// The same for `rowCount` rows that see the same positions (the query heads of one KV group at one
// token), q and out rows headDim floats apart: on AVX-512 CPUs, with head sizes that are multiples of
// 64, up to four rows share every load (attention_tile_avx512.cpp); elsewhere row by row.
void attendTileRows(const float* q, uint32_t rowCount, const float* kT, const float* v, uint32_t headDim,
    uint32_t visible, SoftmaxRow* rows, float* out);
void attendTileRowsAvx512(const float* q, uint32_t rowCount, const float* kT, const float* v,
    uint32_t headDim, uint32_t visible, SoftmaxRow* rows, float* out);

} // namespace hearth::cpu
