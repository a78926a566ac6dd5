// Per-block dequantization of the older 32-element types beside Q4_0: Q4_1 and Q5_1 (an offset per
// block), Q5_0 (a fifth bit), IQ4_NL (a non-linear table). Each reads one block at `src` (any
// alignment) and writes its 32 elements to `dst`, float for float as ggml's dequantize_row_*.
#pragma once

#include "quant/float_convert.h"
#include "quant/iq_tables.h"

#include <cstdint>
#include <cstring>

namespace hearth {

// All four keep Q4_0's order: element j in the low nibble of qs[j], element j + 16 in the high one.
inline void dequantizeQ4_1(const uint8_t* src, float* dst)
{
    const float d = halfToFloat(loadU16(src));
    const float m = halfToFloat(loadU16(src + 2));
    const uint8_t* qs = src + 4;
    for (int j = 0; j < 16; ++j) {
        dst[j] = static_cast<float>(qs[j] & 0x0f) * d + m;
        dst[j + 16] = static_cast<float>(qs[j] >> 4) * d + m;
    }
}

// The fifth bit of element j is bit j of the 32-bit qh (elements 16..31: bits 16..31).
inline int fifthBit(uint32_t qh, int element)
{
    return ((qh >> element) & 1) << 4;
}

inline void dequantizeQ5_0(const uint8_t* src, float* dst)
{
    const float d = halfToFloat(loadU16(src));
    uint32_t qh;
    std::memcpy(&qh, src + 2, 4);
    const uint8_t* qs = src + 6;
    for (int j = 0; j < 16; ++j) {
        dst[j] = static_cast<float>(((qs[j] & 0x0f) | fifthBit(qh, j)) - 16) * d;
        dst[j + 16] = static_cast<float>(((qs[j] >> 4) | fifthBit(qh, j + 16)) - 16) * d;
    }
}

inline void dequantizeQ5_1(const uint8_t* src, float* dst)
{
    const float d = halfToFloat(loadU16(src));
    const float m = halfToFloat(loadU16(src + 2));
    uint32_t qh;
    std::memcpy(&qh, src + 4, 4);
    const uint8_t* qs = src + 8;
    for (int j = 0; j < 16; ++j) {
        dst[j] = static_cast<float>((qs[j] & 0x0f) | fifthBit(qh, j)) * d + m;
        dst[j + 16] = static_cast<float>((qs[j] >> 4) | fifthBit(qh, j + 16)) * d + m;
    }
}

// One run of 32 IQ4 nibbles (16 bytes) scaled by d: shared by IQ4_NL and IQ4_XS.
inline void dequantizeIq4Run(const uint8_t* qs, float d, float* dst)
{
    for (int j = 0; j < 16; ++j) {
        dst[j] = d * kIq4nlValues[qs[j] & 0x0f];
        dst[j + 16] = d * kIq4nlValues[qs[j] >> 4];
    }
}

inline void dequantizeIQ4_NL(const uint8_t* src, float* dst)
{
    dequantizeIq4Run(src + 2, halfToFloat(loadU16(src)), dst);
}

} // namespace hearth
