// Q4_1, Q5_0, Q5_1 and IQ4_NL rows against 8-bit activations (BlockQ8x), in integers as ggml's
// vec_dot_*_q8_0/q8_1: each 32-element block is unpacked to 32 bytes, multiplied with the activation
// bytes, and scaled once. Q4_1/Q5_1 hold unsigned quants plus an offset m, whose share of the dot
// product is m * (the sum of the activation block), so it costs one multiply per block.
#include "cpu/dot.h"
#include "cpu/simd.h"
#include "quant/float_convert.h"
#include "quant/iq_tables.h"
#include "util/result.h"

#include <cstring>

namespace hearth::cpu {

namespace {

struct LegacyLayout {
    uint32_t blockBytes;
    bool hasOffset; // Q4_1, Q5_1: x = d * q + m, q unsigned
    bool hasFifthBit; // Q5_0, Q5_1: qh before qs
};

LegacyLayout legacyLayout(TensorType type)
{
    switch (type) {
    case TensorType::Q4_1:
        return { 20, true, false };
    case TensorType::Q5_0:
        return { 22, false, true };
    case TensorType::Q5_1:
        return { 24, true, true };
    default:
        return { 18, false, false }; // IQ4_NL
    }
}

// The 32 quants of one block as the integers the dot product multiplies: Q5_0 centred (q - 16),
// IQ4_NL through its table, Q4_1/Q5_1 as stored (0..15 / 0..31).
void unpackLegacy(TensorType type, const uint8_t* b, int8_t* q)
{
    const LegacyLayout layout = legacyLayout(type);
    const uint8_t* qs = b + layout.blockBytes - 16;
    uint32_t qh = 0;
    if (layout.hasFifthBit) std::memcpy(&qh, qs - 4, 4);
    for (int j = 0; j < 16; ++j) {
        int lo = qs[j] & 0x0f, hi = qs[j] >> 4;
        if (type == TensorType::IQ4_NL) {
            q[j] = kIq4nlValues[lo];
            q[j + 16] = kIq4nlValues[hi];
            continue;
        }
        lo |= ((qh >> j) & 1) << 4;
        hi |= ((qh >> (j + 16)) & 1) << 4;
        const int centre = type == TensorType::Q5_0 ? 16 : 0;
        q[j] = int8_t(lo - centre);
        q[j + 16] = int8_t(hi - centre);
    }
}

void rowDotLegacyPortable(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8x* xq,
    size_t xqStride, uint32_t nTokens, float* out, size_t outStride)
{
    const LegacyLayout layout = legacyLayout(type);
    const uint32_t nb = cols / 32;
    for (uint32_t t = 0; t < nTokens; ++t)
        out[t * outStride] = 0;
    int8_t q[32];
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* b = row + size_t(i) * layout.blockBytes;
        unpackLegacy(type, b, q);
        const float d = halfToFloat(loadU16(b));
        const float m = layout.hasOffset ? halfToFloat(loadU16(b + 2)) : 0.0f;
        for (uint32_t t = 0; t < nTokens; ++t) {
            const BlockQ8x& y = xq[t * xqStride + i];
            int isum = 0;
            for (int j = 0; j < 32; ++j)
                isum += q[j] * y.qs[j];
            out[t * outStride] += d * y.d * float(isum) + (layout.hasOffset ? m * y.d * float(y.sum) : 0.0f);
        }
    }
}

#ifdef HEARTH_X86

// 0xff in byte j where bit j of the 32-bit `bits` is set (ggml's bytes_from_bits_32).
HEARTH_AVX2 inline __m256i bytesFromBits(uint32_t bits)
{
    const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32(int(bits)),
        _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0x0000000000000000));
    const __m256i others = _mm256_or_si256(spread, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
    return _mm256_cmpeq_epi8(others, _mm256_set1_epi64x(-1));
}

// Elements 0..15 from the low nibbles, 16..31 from the high ones.
HEARTH_AVX2 inline __m256i nibbles(const uint8_t* qs)
{
    const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
    const __m256i both
        = _mm256_insertf128_si256(_mm256_castsi128_si256(packed), _mm_srli_epi16(packed, 4), 1);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0f));
}

// The block's quants as 32 bytes; signed (Q5_0, IQ4_NL) or unsigned (Q4_1, Q5_1: the types with an offset).
template <TensorType T> HEARTH_AVX2 inline __m256i unpackAvx2(const uint8_t* b)
{
    if constexpr (T == TensorType::IQ4_NL) {
        const __m256i table
            = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
        return _mm256_shuffle_epi8(table, nibbles(b + 2));
    } else if constexpr (T == TensorType::Q4_1) {
        return nibbles(b + 4);
    } else {
        constexpr int qhAt = T == TensorType::Q5_0 ? 2 : 4;
        uint32_t qh;
        std::memcpy(&qh, b + qhAt, 4);
        const __m256i high = bytesFromBits(qh);
        const __m256i q = nibbles(b + qhAt + 4);
        if constexpr (T == TensorType::Q5_0) // q - 16: the nibble with 0xf0 on top where the bit is clear
            return _mm256_or_si256(q, _mm256_andnot_si256(high, _mm256_set1_epi8(char(0xf0))));
        return _mm256_or_si256(q, _mm256_and_si256(high, _mm256_set1_epi8(0x10)));
    }
}

// NT tokens (1..4) against one row: each block is unpacked once for all of them.
template <int NT, TensorType T>
HEARTH_AVX2 void rowDotLegacyTile(
    const uint8_t* row, uint32_t nb, const BlockQ8x* xq, size_t xqStride, float* out, size_t outStride)
{
    constexpr LegacyLayout kLayout = T == TensorType::Q4_1 ? LegacyLayout { 20, true, false }
        : T == TensorType::Q5_0                            ? LegacyLayout { 22, false, true }
        : T == TensorType::Q5_1                            ? LegacyLayout { 24, true, true }
                                                           : LegacyLayout { 18, false, false };
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 acc[NT];
    float accOffset[NT] = {};
    for (int j = 0; j < NT; ++j)
        acc[j] = _mm256_setzero_ps();
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* b = row + size_t(i) * kLayout.blockBytes;
        const float d = _cvtsh_ss(loadU16(b));
        const __m256i qx = unpackAvx2<T>(b);
        // maddubs wants its first operand unsigned: offset types are; signed ones lend y their sign.
        const __m256i ux = kLayout.hasOffset ? qx : _mm256_sign_epi8(qx, qx);
        for (int j = 0; j < NT; ++j) {
            const BlockQ8x& y = xq[j * xqStride + i];
            __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.qs));
            if constexpr (!kLayout.hasOffset) qy = _mm256_sign_epi8(qy, qx);
            const __m256i dot = _mm256_madd_epi16(ones, _mm256_maddubs_epi16(ux, qy));
            acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(d * y.d), _mm256_cvtepi32_ps(dot), acc[j]);
            if constexpr (kLayout.hasOffset) accOffset[j] += _cvtsh_ss(loadU16(b + 2)) * y.d * float(y.sum);
        }
    }
    for (int j = 0; j < NT; ++j)
        out[j * outStride] = hsum(acc[j]) + accOffset[j];
}

template <TensorType T>
HEARTH_AVX2 void rowDotLegacyAvx2(const uint8_t* row, uint32_t cols, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    const uint32_t nb = cols / 32;
    uint32_t t = 0;
    for (; t + 4 <= nTokens; t += 4)
        rowDotLegacyTile<4, T>(row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
    for (; t < nTokens; ++t)
        rowDotLegacyTile<1, T>(row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
}

#endif // HEARTH_X86

} // namespace

bool isLegacyQ8Type(TensorType type)
{
    return type == TensorType::Q4_1 || type == TensorType::Q5_0 || type == TensorType::Q5_1
        || type == TensorType::IQ4_NL;
}

void rowDotQ8Legacy(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    HEARTH_CHECK(isLegacyQ8Type(type));
#ifdef HEARTH_X86
    if (haveAvx2()) {
        switch (type) {
        case TensorType::Q4_1:
            return rowDotLegacyAvx2<TensorType::Q4_1>(row, cols, xq, xqStride, nTokens, out, outStride);
        case TensorType::Q5_0:
            return rowDotLegacyAvx2<TensorType::Q5_0>(row, cols, xq, xqStride, nTokens, out, outStride);
        case TensorType::Q5_1:
            return rowDotLegacyAvx2<TensorType::Q5_1>(row, cols, xq, xqStride, nTokens, out, outStride);
        default:
            return rowDotLegacyAvx2<TensorType::IQ4_NL>(row, cols, xq, xqStride, nTokens, out, outStride);
        }
    }
#endif
    rowDotLegacyPortable(type, row, cols, xq, xqStride, nTokens, out, outStride);
}

} // namespace hearth::cpu
