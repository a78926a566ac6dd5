// Per-block dequantization of the low-bit 256-element types: Q2_K, Q3_K (K-quants with 16-element
// sub-blocks), IQ4_XS and IQ3_S (table-driven). Each reads one super-block at `src` (any alignment)
// and writes its 256 elements to `dst`, float for float as ggml's dequantize_row_*.
#pragma once

#include "quant/dequant_legacy.h"
#include "quant/float_convert.h"
#include "quant/iq_tables.h"

#include <cstdint>
#include <cstring>

namespace hearth {

// Q2_K: two halves of 128; in each, four 2-bit planes of 32 bytes (shift 0, 2, 4, 6), each plane two
// sub-blocks of 16 with a 4-bit scale and a 4-bit min: x = d * scale * q - dmin * min.
inline void dequantizeQ2_K(const uint8_t* src, float* dst)
{
    const uint8_t* scales = src;
    const uint8_t* q = src + 16;
    const float d = halfToFloat(loadU16(src + 80));
    const float dmin = halfToFloat(loadU16(src + 82));
    int is = 0;
    for (int half = 0; half < 2; ++half, q += 32) {
        for (int shift = 0; shift < 8; shift += 2) {
            for (int sub = 0; sub < 2; ++sub) {
                const uint8_t sc = scales[is++];
                const float dl = d * static_cast<float>(sc & 0x0f), ml = dmin * static_cast<float>(sc >> 4);
                for (int l = 0; l < 16; ++l)
                    *dst++ = dl * static_cast<float>((q[16 * sub + l] >> shift) & 3) - ml;
            }
        }
    }
}

// The sixteen 6-bit Q3_K scales (stored with an offset of 32): low 4 bits in bytes 0..7 (two per
// byte, scales 0..7 low nibbles, 8..15 high), high 2 bits in bytes 8..11 (four per byte).
inline void unpackScalesQ3_K(const uint8_t* packed, int8_t* scales)
{
    for (int j = 0; j < 16; ++j) {
        const int low = j < 8 ? packed[j] & 0x0f : packed[j - 8] >> 4;
        const int high = (packed[8 + j % 4] >> (2 * (j / 4))) & 3;
        scales[j] = static_cast<int8_t>((low | (high << 4)) - 32);
    }
}

// Q3_K: Q2_K's planes, a third bit per element in hmask (clear: subtract 4), signed 6-bit scales and
// no mins: x = d * scale * (q - 4 * !h).
inline void dequantizeQ3_K(const uint8_t* src, float* dst)
{
    const uint8_t* hmask = src;
    const uint8_t* q = src + 32;
    int8_t scales[16];
    unpackScalesQ3_K(src + 96, scales);
    const float d = halfToFloat(loadU16(src + 108));
    int is = 0;
    uint8_t m = 1;
    for (int half = 0; half < 2; ++half, q += 32) {
        for (int shift = 0; shift < 8; shift += 2, m <<= 1) {
            for (int sub = 0; sub < 2; ++sub) {
                const float dl = d * static_cast<float>(scales[is++]);
                for (int l = 16 * sub; l < 16 * sub + 16; ++l)
                    *dst++ = dl * static_cast<float>(((q[l] >> shift) & 3) - ((hmask[l] & m) ? 0 : 4));
            }
        }
    }
}

// The 6-bit scale (offset 32) of IQ4_XS run ib: 4 bits from scalesL, 2 from scalesH.
inline int scaleIQ4_XS(const uint8_t* block, int ib)
{
    const uint16_t scalesH = loadU16(block + 2);
    return (((block[4 + ib / 2] >> (4 * (ib % 2))) & 0x0f) | (((scalesH >> (2 * ib)) & 3) << 4)) - 32;
}

inline void dequantizeIQ4_XS(const uint8_t* src, float* dst)
{
    const float d = halfToFloat(loadU16(src));
    for (int ib = 0; ib < 8; ++ib)
        dequantizeIq4Run(src + 8 + 16 * ib, d * static_cast<float>(scaleIQ4_XS(src, ib)), dst + 32 * ib);
}

// The grid point of IQ3_S group g (0..63) of a super-block: 8 bits from qs, the ninth from qh.
inline const uint8_t* gridIQ3_S(const uint8_t* qs, const uint8_t* qh, int g)
{
    const uint32_t index = qs[g] | (((qh[g / 8] >> (g % 8)) & 1u) << 8);
    return reinterpret_cast<const uint8_t*>(&kIq3sGrid[index]);
}

// IQ3_S: 8 runs of 32, each with a 4-bit scale (d * (1 + 2s)); a run is 8 groups of 4 grid
// magnitudes, one sign bit per element.
inline void dequantizeIQ3_S(const uint8_t* src, float* dst)
{
    const float d = halfToFloat(loadU16(src));
    const uint8_t* qs = src + 2;
    const uint8_t* qh = src + 66;
    const uint8_t* signs = src + 74;
    const uint8_t* scales = src + 106;
    for (int run = 0; run < 8; ++run) {
        const float db = d * static_cast<float>(1 + 2 * ((scales[run / 2] >> (4 * (run % 2))) & 0x0f));
        for (int g = 8 * run; g < 8 * run + 8; ++g) {
            const uint8_t* grid = gridIQ3_S(qs, qh, g);
            const uint8_t sign = signs[g / 2];
            for (int j = 0; j < 4; ++j) {
                const int bit = 4 * (g % 2) + j;
                *dst++ = db * static_cast<float>(grid[j]) * ((sign >> bit) & 1 ? -1.f : 1.f);
            }
        }
    }
}

} // namespace hearth
