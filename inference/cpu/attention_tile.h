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
