// The byte layout of one panel (16 rows) of each packed type, and the panel kernels (internal to
// inference/cpu). A panel holds, one after the other, the quants of every block, then the per-block
// scales ("side" data), so both are sequential streams. A "chunk" is 64 bytes: four consecutive bytes
// of each of the 16 rows, row r at bytes 4r..4r+3.
//
// Q4_0, per 32-element block: 4 chunks; chunk c holds bytes 4c..4c+3 of the file's qs, i.e. elements
//   4c.. in the low nibbles and 16 + 4c.. in the high ones. Then 16 f16 scales per block.
// Q8_0, per block: 8 chunks, chunk g holds elements 4g..4g+3 as q + 128. Then 16 f16 scales per block.
// Q4_K, per 256-element super-block: 32 chunks, chunk 8c + g holds qs bytes 32c + 4g.. (elements
//   64c + 4g.. low, 64c + 32 + 4g.. high). Side: d[16], dmin[16] (f16), scale[8][16] (u8, sub-block
//   major), min[4][16][2] (u8: sub-blocks 2p and 2p + 1 of each row side by side).
// Q6_K, per super-block: ql as 2 halves × 8 groups × 2 chunks (ql bytes 64n + 4g.., 64n + 32 + 4g..),
//   then qh as 2 halves × 8 chunks (qh bytes 32n + 4g..). Side: d[16] (f16), scale[16][16] (s8).
#pragma once

#include "cpu/dot.h"
#include "cpu/packed_matrix.h"

#include <cstddef>
#include <cstdint>

namespace hearth::cpu {

constexpr size_t kPanelScaleBytes = 2 * kPanelRows;
constexpr size_t kQ4_0PanelQs = 4 * 64;
constexpr size_t kQ8_0PanelQs = 8 * 64;
constexpr size_t kQ4_KPanelQs = 32 * 64;
constexpr size_t kQ4_KSideD = 0, kQ4_KSideDmin = 32, kQ4_KSideScales = 64, kQ4_KSideMins = 192;
constexpr size_t kQ4_KPanelSide = 320;
constexpr size_t kQ6_KPanelQl = 32 * 64, kQ6_KPanelQh = 16 * 64;
constexpr size_t kQ6_KSideD = 0, kQ6_KSideScales = 32;
constexpr size_t kQ6_KPanelSide = 288;

size_t panelBytes(TensorType type, uint32_t cols);

// out[t * outStride + r] = dot(row r of panel p, token t) for r < 16, t < nTokens (any count).
// Q4_0/Q8_0 panels meet BlockQ8x activations, Q4_K/Q6_K panels BlockQ8K ones.
void panelDotQ8(const PackedMatrix& m, uint32_t p, const BlockQ8x* xq, size_t xqStride, uint32_t nTokens,
    float* out, size_t outStride);
void panelDotQ8K(const PackedMatrix& m, uint32_t p, const BlockQ8K* xq, size_t xqStride, uint32_t nTokens,
    float* out, size_t outStride);

// The same in portable C++, the same integer sums (the tests compare the two).
void panelDotQ8Portable(const PackedMatrix& m, uint32_t p, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride);
void panelDotQ8KPortable(const PackedMatrix& m, uint32_t p, const BlockQ8K* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride);

// The AVX-512 VNNI kernels (dot_panel_avx512.cpp); only call them when simdLevel() says so.
void panelDotQ8Avx512(const PackedMatrix& m, uint32_t p, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride);
void panelDotQ8KAvx512(const PackedMatrix& m, uint32_t p, const BlockQ8K* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride);

// The AVX2 kernels (dot_panel_avx2.cpp), for CPUs without AVX-512 VNNI; only when simdLevel() is at
// least Avx2.
void panelDotQ8Avx2(const PackedMatrix& m, uint32_t p, const BlockQ8x* xq, size_t xqStride, uint32_t nTokens,
    float* out, size_t outStride);
void panelDotQ8KAvx2(const PackedMatrix& m, uint32_t p, const BlockQ8K* xq, size_t xqStride, uint32_t nTokens,
    float* out, size_t outStride);

} // namespace hearth::cpu
