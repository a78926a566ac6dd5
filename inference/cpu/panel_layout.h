// The byte layout of one panel (16 rows) of each packed type, and the panel kernels (internal to
// inference/cpu). A panel holds, one after the other, the quants of every block, then the per-block
// scales ("side" data), so both are sequential streams. A "chunk" is 64 bytes: four consecutive bytes
// of each of the 16 rows, row r at bytes 4r..4r+3. Every layout is the file's numbers rearranged, so
// the panels give the same integers as the file's blocks.
//
// The 32-element types (BlockQ8x activations), per block: the quants (Q8PanelFormat), then after the
// quants of all blocks, per block, 16 f16 scales d and, for Q4_1/Q5_1, 16 f16 offsets m.
//   Q4_0, Q4_1, IQ4_NL: 4 chunks; chunk c holds bytes 4c..4c+3 of the file's qs, i.e. elements 4c.. in
//     the low nibbles and 16 + 4c.. in the high ones (IQ4_NL's nibbles index kIq4nlValues).
//   Q5_0, Q5_1: those 4 chunks, then one chunk of fifth bits: byte i of a row holds in bit c the fifth
//     bit of element 4c + i, in bit 4 + c that of element 16 + 4c + i.
//   Q8_0: 8 chunks, chunk g holds elements 4g..4g+3 as q + 128.
// Q4_K, per 256-element super-block: 32 chunks, chunk 8c + g holds qs bytes 32c + 4g.. (elements
//   64c + 4g.. low, 64c + 32 + 4g.. high). Side: d[16], dmin[16] (f16), scale[8][16] (u8, sub-block
//   major), min[4][16][2] (u8: sub-blocks 2p and 2p + 1 of each row side by side).
// Q5_K: Q4_K's 32 chunks, then 8 chunks of fifth bits (chunk g: qh bytes 4g..; bit s of a byte is the
//   fifth bit of that element of sub-block s), then Q4_K's side.
// IQ4_XS: Q4_K's 32 chunks of nibbles (indices into kIq4nlValues, sub-block s of 32 where Q4_K's
//   is). Side: d[16] (f16), scale[8][16] (s8, the 6-bit run scales minus 32).
// Q6_K, per super-block: ql as 2 halves × 8 groups × 2 chunks (ql bytes 64n + 4g.., 64n + 32 + 4g..),
//   then qh as 2 halves × 8 chunks (qh bytes 32n + 4g..). Side: d[16] (f16), scale[16][16] (s8).
#pragma once

#include "cpu/dot.h"
#include "cpu/packed_matrix.h"
#include "quant/iq_tables.h"

#include <cstddef>
#include <cstdint>

namespace hearth::cpu {

constexpr size_t kPanelScaleBytes = 2 * kPanelRows;

// How a 32-element type's block is stored and summed: the integer sum of a row's block is
// Σ quant·y − offset·Σy over the quants as stored (nibbles, nibbles with a fifth bit, bytes, or
// table bytes kIq4nlValues + 128); then d·dy·sum, plus m·dy·Σy where the type has an offset m.
struct Q8PanelFormat {
    size_t quantBytes = 0; // per block of 16 rows
    bool fifthBit = false;
    bool table = false;
    bool min = false;
    int offset = 0;
    size_t sideBytes() const { return min ? 2 * kPanelScaleBytes : kPanelScaleBytes; }
};

constexpr Q8PanelFormat q8PanelFormat(TensorType type)
{
    switch (type) {
    case TensorType::Q4_0:
        return { 4 * 64, false, false, false, 8 };
    case TensorType::Q4_1:
        return { 4 * 64, false, false, true, 0 };
    case TensorType::Q5_0:
        return { 5 * 64, true, false, false, 16 };
    case TensorType::Q5_1:
        return { 5 * 64, true, false, true, 0 };
    case TensorType::IQ4_NL:
        return { 4 * 64, false, true, false, 128 };
    default: // Q8_0
        return { 8 * 64, false, false, false, 128 };
    }
}

// The types whose panels meet BlockQ8x activations (panelDotQ8); the others meet BlockQ8K ones.
constexpr bool isQ8PanelType(TensorType type)
{
    return type == TensorType::Q4_0 || type == TensorType::Q4_1 || type == TensorType::Q5_0
        || type == TensorType::Q5_1 || type == TensorType::IQ4_NL || type == TensorType::Q8_0;
}

// kIq4nlValues + 128, the unsigned bytes an IQ4 nibble stands for in the panel kernels.
struct Iq4BiasedTable {
    uint8_t values[16];
};
constexpr Iq4BiasedTable kIq4nlBiased = [] {
    Iq4BiasedTable t {};
    for (int i = 0; i < 16; ++i)
        t.values[i] = uint8_t(kIq4nlValues[i] + 128);
    return t;
}();

constexpr size_t kQ4_KPanelQs = 32 * 64, kQ5_KPanelQs = 40 * 64;
constexpr size_t kQ4_KSideD = 0, kQ4_KSideDmin = 32, kQ4_KSideScales = 64, kQ4_KSideMins = 192;
constexpr size_t kQ4_KPanelSide = 320;
constexpr size_t kIQ4_XSSideD = 0, kIQ4_XSSideScales = 32;
constexpr size_t kIQ4_XSPanelSide = 160;
constexpr size_t kQ6_KPanelQl = 32 * 64, kQ6_KPanelQh = 16 * 64;
constexpr size_t kQ6_KSideD = 0, kQ6_KSideScales = 32;
constexpr size_t kQ6_KPanelSide = 288;

size_t panelBytes(TensorType type, uint32_t cols);

// out[t * outStride + r] = dot(row r of panel p, token t) for r < 16, t < nTokens (any count).
// isQ8PanelType panels meet BlockQ8x activations, the K-quant and IQ4_XS panels BlockQ8K ones.
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
