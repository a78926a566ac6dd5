// Per-block dequantization, inline, for kernels that dequantize inside their dot products.
// Each function reads one block at `src` (any alignment) and writes its elements to `dst`:
// Q4_0/Q8_0 32 elements, K-quants 256 (the other types: dequant_legacy.h, dequant_kiq.h). The float
// operations follow ggml's dequantize_row_* exactly.
#pragma once

#include "quant/blocks.h"
#include "quant/dequant_kiq.h"
#include "quant/dequant_legacy.h"
#include "quant/float_convert.h"
#include "quant/types.h"
#include "util/result.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hearth {

// Byte offsets inside the blocks (the structs in blocks.h, read without casting so alignment never matters).
inline void dequantizeQ4_0(const uint8_t* src, float* dst)
{
    const float d = halfToFloat(loadU16(src));
    const uint8_t* qs = src + 2;
    for (int j = 0; j < 16; ++j) {
        dst[j] = static_cast<float>((qs[j] & 0x0f) - 8) * d;
        dst[j + 16] = static_cast<float>((qs[j] >> 4) - 8) * d;
    }
}

inline void dequantizeQ8_0(const uint8_t* src, float* dst)
{
    const float d = halfToFloat(loadU16(src));
    const auto* qs = reinterpret_cast<const int8_t*>(src + 2);
    for (int j = 0; j < 32; ++j)
        dst[j] = static_cast<float>(qs[j]) * d;
}

// The 6-bit scale and min of sub-block j (0..7) packed in the 12 K-quant scale bytes.
inline void scaleMinK4(int j, const uint8_t* q, uint8_t& scale, uint8_t& min)
{
    if (j < 4) {
        scale = q[j] & 63;
        min = q[j + 4] & 63;
    } else {
        scale = static_cast<uint8_t>((q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4));
        min = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

inline void dequantizeQ4_K(const uint8_t* src, float* dst)
{
    const float d = halfToFloat(loadU16(src));
    const float dmin = halfToFloat(loadU16(src + 2));
    const uint8_t* scales = src + 4;
    const uint8_t* q = src + 16;
    // Four chunks of 64: low nibbles are sub-block 2c, high nibbles sub-block 2c+1.
    for (int chunk = 0, is = 0; chunk < 4; ++chunk, is += 2, q += 32) {
        uint8_t sc, m;
        scaleMinK4(is, scales, sc, m);
        const float d1 = d * sc, m1 = dmin * m;
        scaleMinK4(is + 1, scales, sc, m);
        const float d2 = d * sc, m2 = dmin * m;
        for (int l = 0; l < 32; ++l)
            *dst++ = d1 * static_cast<float>(q[l] & 0x0f) - m1;
        for (int l = 0; l < 32; ++l)
            *dst++ = d2 * static_cast<float>(q[l] >> 4) - m2;
    }
}

inline void dequantizeQ5_K(const uint8_t* src, float* dst)
{
    const float d = halfToFloat(loadU16(src));
    const float dmin = halfToFloat(loadU16(src + 2));
    const uint8_t* scales = src + 4;
    const uint8_t* qh = src + 16;
    const uint8_t* ql = src + 48;
    uint8_t u1 = 1, u2 = 2; // the qh bit of this chunk's two sub-blocks
    for (int chunk = 0, is = 0; chunk < 4; ++chunk, is += 2, ql += 32, u1 <<= 2, u2 <<= 2) {
        uint8_t sc, m;
        scaleMinK4(is, scales, sc, m);
        const float d1 = d * sc, m1 = dmin * m;
        scaleMinK4(is + 1, scales, sc, m);
        const float d2 = d * sc, m2 = dmin * m;
        for (int l = 0; l < 32; ++l)
            *dst++ = d1 * static_cast<float>((ql[l] & 0x0f) + (qh[l] & u1 ? 16 : 0)) - m1;
        for (int l = 0; l < 32; ++l)
            *dst++ = d2 * static_cast<float>((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
    }
}

inline void dequantizeQ6_K(const uint8_t* src, float* dst)
{
    const uint8_t* ql = src;
    const uint8_t* qh = src + 128;
    const auto* sc = reinterpret_cast<const int8_t*>(src + 192);
    const float d = halfToFloat(loadU16(src + 208));
    // Two halves of 128; in each, element l of four 32-runs shares ql/qh bytes.
    for (int half = 0; half < 2; ++half, dst += 128, ql += 64, qh += 32, sc += 8) {
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            const int q1 = static_cast<int>((ql[l] & 0x0f) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int q2 = static_cast<int>((ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int q3 = static_cast<int>((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int q4 = static_cast<int>((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            dst[l] = d * sc[is] * q1;
            dst[l + 32] = d * sc[is + 2] * q2;
            dst[l + 64] = d * sc[is + 4] * q3;
            dst[l + 96] = d * sc[is + 6] * q4;
        }
    }
}

// One block of any supported type (32 or 256 elements, typeTraits' blockElements); F32/F16/BF16
// are one element per "block".
inline void dequantizeBlock(TensorType type, const uint8_t* src, float* dst)
{
    switch (type) {
    case TensorType::F32:
        std::memcpy(dst, src, sizeof(float));
        return;
    case TensorType::F16:
        *dst = halfToFloat(loadU16(src));
        return;
    case TensorType::BF16:
        *dst = bfloatToFloat(loadU16(src));
        return;
    case TensorType::Q4_0:
        dequantizeQ4_0(src, dst);
        return;
    case TensorType::Q8_0:
        dequantizeQ8_0(src, dst);
        return;
    case TensorType::Q4_K:
        dequantizeQ4_K(src, dst);
        return;
    case TensorType::Q5_K:
        dequantizeQ5_K(src, dst);
        return;
    case TensorType::Q6_K:
        dequantizeQ6_K(src, dst);
        return;
    case TensorType::Q4_1:
        dequantizeQ4_1(src, dst);
        return;
    case TensorType::Q5_0:
        dequantizeQ5_0(src, dst);
        return;
    case TensorType::Q5_1:
        dequantizeQ5_1(src, dst);
        return;
    case TensorType::IQ4_NL:
        dequantizeIQ4_NL(src, dst);
        return;
    case TensorType::Q2_K:
        dequantizeQ2_K(src, dst);
        return;
    case TensorType::Q3_K:
        dequantizeQ3_K(src, dst);
        return;
    case TensorType::IQ4_XS:
        dequantizeIQ4_XS(src, dst);
        return;
    case TensorType::IQ3_S:
        dequantizeIQ3_S(src, dst);
        return;
    default:
        HEARTH_CHECK(!"dequantizeBlock: unsupported tensor type");
    }
}

} // namespace hearth
