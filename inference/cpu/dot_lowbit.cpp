// Q2_K, Q3_K and IQ3_S rows against 8-bit activations per 256 (BlockQ8K), in integers (as ggml's
// vec_dot_q2_K_q8_K, vec_dot_q3_K_q8_K, vec_dot_iq3_s_q8_K): the 2- and 3-bit quants or the IQ3_S
// grid magnitudes meet the activation bytes in integer products, weighted by their small integer
// scales; one float multiply per super-block. Decoding these blocks to float for every token was the
// slowest part of a low-bit model on the CPU. The portable loop is the definition; the AVX2 one
// must give the same integer sums.
#include "cpu/dot.h"
#include "cpu/simd.h"
#include "quant/dequant_kiq.h"
#include "quant/float_convert.h"
#include "quant/iq_tables.h"
#include "util/result.h"

#include <cstring>

namespace hearth::cpu {

namespace {

constexpr size_t kBytesQ2K = 84, kBytesQ3K = 110, kBytesIQ3S = 110;

// One Q2_K super-block · activations: d * Σ scale·(q·y) - dmin * Σ min·(Σ y) over the 16 sub-blocks
// (sub-block 8h + 2s + u is plane s of half h, bytes 16u..16u+15 of that half's 32).
float blockDotQ2K(const uint8_t* b, const BlockQ8K& y)
{
    const uint8_t* scales = b;
    const uint8_t* qs = b + 16;
    int32_t sumQ = 0, sumMin = 0;
    for (int sub = 0; sub < 16; ++sub) {
        const int half = sub / 8, shift = 2 * ((sub % 8) / 2), u = sub % 2;
        const uint8_t* q = qs + 32 * half + 16 * u;
        const int8_t* yq = y.qs + 16 * sub;
        int32_t dot = 0;
        for (int l = 0; l < 16; ++l)
            dot += ((q[l] >> shift) & 3) * yq[l];
        sumQ += (scales[sub] & 0x0f) * dot;
        sumMin += (scales[sub] >> 4) * y.halfSums[sub];
    }
    const float d = halfToFloat(loadU16(b + 80)), dmin = halfToFloat(loadU16(b + 82));
    return y.d * (d * float(sumQ) - dmin * float(sumMin));
}

// One Q3_K super-block · activations: d * Σ scale·((q - 4·!h)·y), the high bit of element j in bit
// j / 32 of hmask[j % 32].
float blockDotQ3K(const uint8_t* b, const BlockQ8K& y)
{
    const uint8_t* hmask = b;
    const uint8_t* qs = b + 32;
    int8_t scales[16];
    unpackScalesQ3_K(b + 96, scales);
    int32_t sum = 0;
    for (int sub = 0; sub < 16; ++sub) {
        const int half = sub / 8, plane = (sub % 8) / 2, u = sub % 2;
        const uint8_t* q = qs + 32 * half + 16 * u;
        const int8_t* yq = y.qs + 16 * sub;
        int32_t dot = 0;
        for (int l = 0; l < 16; ++l) {
            const int high = (hmask[16 * u + l] >> (4 * half + plane)) & 1;
            dot += (((q[l] >> (2 * plane)) & 3) - (high ? 0 : 4)) * yq[l];
        }
        sum += scales[sub] * dot;
    }
    return y.d * halfToFloat(loadU16(b + 108)) * float(sum);
}

// One IQ3_S super-block · activations: d * Σ (1 + 2s)·(±grid·y) over the 8 runs of 32.
float blockDotIQ3S(const uint8_t* b, const BlockQ8K& y)
{
    const uint8_t* qs = b + 2;
    const uint8_t* qh = b + 66;
    const uint8_t* signs = b + 74;
    const uint8_t* scales = b + 106;
    int32_t sum = 0;
    for (int run = 0; run < 8; ++run) {
        int32_t dot = 0;
        for (int g = 8 * run; g < 8 * run + 8; ++g) {
            const uint8_t* grid = gridIQ3_S(qs, qh, g);
            for (int j = 0; j < 4; ++j) {
                const int e = 4 * g + j;
                const int v = grid[j] * y.qs[e];
                dot += (signs[e / 8] >> (e % 8)) & 1 ? -v : v;
            }
        }
        sum += (1 + 2 * ((scales[run / 2] >> (4 * (run % 2))) & 0x0f)) * dot;
    }
    return y.d * halfToFloat(loadU16(b)) * float(sum);
}

#ifdef HEARTH_X86

HEARTH_AVX2 inline __m256i load256(const void* p)
{
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

// Sixteen int16 scales for one 32-element plane: the low 128-bit lane's 16 products take scale
// `first`, the high lane's `second` (the plane's two sub-blocks).
HEARTH_AVX2 inline __m256i planeScales(int first, int second)
{
    return _mm256_set_m128i(_mm_set1_epi16(int16_t(second)), _mm_set1_epi16(int16_t(first)));
}

// Q2_K: per half of 128, four 2-bit planes of 32 (shift 2s) that are sub-blocks 8h+2s and 8h+2s+1.
template <int NT>
HEARTH_AVX2 void dotQ2K(const uint8_t* row, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    const __m256i m3 = _mm256_set1_epi8(3);
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t)
        acc[t] = _mm256_setzero_ps();
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* b = row + size_t(i) * kBytesQ2K;
        const float d = _cvtsh_ss(loadU16(b + 80)), dmin = _cvtsh_ss(loadU16(b + 82));
        // The 4-bit mins as int16, for one madd against the activations' 16-element sums.
        const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
        const __m256i mins
            = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), _mm_set1_epi8(0x0f)));
        __m256i sumi[NT];
        for (int t = 0; t < NT; ++t)
            sumi[t] = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i bits = load256(b + 16 + 32 * h);
            for (int s = 0; s < 4; ++s) {
                const __m256i q = _mm256_and_si256(_mm256_srli_epi16(bits, 2 * s), m3);
                const int sub = 8 * h + 2 * s;
                const __m256i scale = planeScales(b[sub] & 0x0f, b[sub + 1] & 0x0f);
                for (int t = 0; t < NT; ++t) {
                    const __m256i p = _mm256_maddubs_epi16(q, load256(y[t * ys + i].qs + 16 * sub));
                    sumi[t] = _mm256_add_epi32(sumi[t], _mm256_madd_epi16(p, scale));
                }
            }
        }
        for (int t = 0; t < NT; ++t) {
            const BlockQ8K& yb = y[t * ys + i];
            const __m256i minDot = _mm256_madd_epi16(mins, load256(yb.halfSums));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * yb.d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
            acc[t] = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * yb.d), _mm256_cvtepi32_ps(minDot), acc[t]);
        }
    }
    for (int t = 0; t < NT; ++t)
        out[t * os] = hsum(acc[t]);
}

// Q3_K: Q2_K's planes with a third bit from hmask (bit 4h+s of byte l for plane s of half h); the
// quants 0..7 meet the activations unsigned and the offset 4 is taken off as 4·Σy.
template <int NT>
HEARTH_AVX2 void dotQ3K(const uint8_t* row, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    const __m256i m3 = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1), four = _mm256_set1_epi8(4);
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t)
        acc[t] = _mm256_setzero_ps();
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* b = row + size_t(i) * kBytesQ3K;
        int8_t scales[16];
        unpackScalesQ3_K(b + 96, scales);
        const float d = _cvtsh_ss(loadU16(b + 108));
        const __m256i hmask = load256(b);
        __m256i sumi[NT];
        for (int t = 0; t < NT; ++t)
            sumi[t] = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i bits = load256(b + 32 + 32 * h);
            for (int s = 0; s < 4; ++s) {
                const __m256i high
                    = _mm256_and_si256(_mm256_srl_epi16(hmask, _mm_cvtsi32_si128(4 * h + s)), one);
                const __m256i q = _mm256_or_si256(
                    _mm256_and_si256(_mm256_srli_epi16(bits, 2 * s), m3), _mm256_slli_epi16(high, 2));
                const int sub = 8 * h + 2 * s;
                const __m256i scale = planeScales(scales[sub], scales[sub + 1]);
                for (int t = 0; t < NT; ++t) {
                    const __m256i yq = load256(y[t * ys + i].qs + 16 * sub);
                    const __m256i p
                        = _mm256_sub_epi16(_mm256_maddubs_epi16(q, yq), _mm256_maddubs_epi16(four, yq));
                    sumi[t] = _mm256_add_epi32(sumi[t], _mm256_madd_epi16(p, scale));
                }
            }
        }
        for (int t = 0; t < NT; ++t)
            acc[t]
                = _mm256_fmadd_ps(_mm256_set1_ps(d * y[t * ys + i].d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
    }
    for (int t = 0; t < NT; ++t)
        out[t * os] = hsum(acc[t]);
}

// IQ3_S: a run of 32 is eight grid points (four magnitude bytes each) gathered from the table, and 32
// sign bits spread to byte masks that negate the activations; magnitudes meet them in maddubs.
template <int NT>
HEARTH_AVX2 void dotIQ3S(const uint8_t* row, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    // Byte e of a run reads sign byte e / 8 and tests bit e % 8.
    const __m256i signByte
        = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0x0000000000000000);
    const __m256i signBit = _mm256_set1_epi64x(int64_t(0x8040201008040201));
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t)
        acc[t] = _mm256_setzero_ps();
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* b = row + size_t(i) * kBytesIQ3S;
        const uint8_t* qs = b + 2;
        const uint8_t* qh = b + 66;
        const uint8_t* signs = b + 74;
        const float d = _cvtsh_ss(loadU16(b));
        __m256i sumi[NT];
        for (int t = 0; t < NT; ++t)
            sumi[t] = _mm256_setzero_si256();
        for (int run = 0; run < 8; ++run) {
            uint32_t grid[8];
            for (int k = 0; k < 8; ++k) {
                const int g = 8 * run + k;
                grid[k] = kIq3sGrid[qs[g] | (((qh[run] >> k) & 1u) << 8)];
            }
            const __m256i magnitudes = load256(grid);
            uint32_t runSigns;
            std::memcpy(&runSigns, signs + 4 * run, 4);
            const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32(int32_t(runSigns)), signByte);
            const __m256i negative = _mm256_cmpeq_epi8(_mm256_and_si256(spread, signBit), signBit);
            const __m256i scale
                = _mm256_set1_epi16(int16_t(1 + 2 * ((b[106 + run / 2] >> (4 * (run % 2))) & 0x0f)));
            for (int t = 0; t < NT; ++t) {
                const __m256i yq = load256(y[t * ys + i].qs + 32 * run);
                const __m256i signedY = _mm256_sub_epi8(_mm256_xor_si256(yq, negative), negative);
                const __m256i p = _mm256_maddubs_epi16(magnitudes, signedY);
                sumi[t] = _mm256_add_epi32(sumi[t], _mm256_madd_epi16(p, scale));
            }
        }
        for (int t = 0; t < NT; ++t)
            acc[t]
                = _mm256_fmadd_ps(_mm256_set1_ps(d * y[t * ys + i].d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
    }
    for (int t = 0; t < NT; ++t)
        out[t * os] = hsum(acc[t]);
}

template <int NT>
HEARTH_AVX2 void dotTileLowBit(
    TensorType type, const uint8_t* row, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    switch (type) {
    case TensorType::Q2_K:
        dotQ2K<NT>(row, nb, y, ys, out, os);
        return;
    case TensorType::Q3_K:
        dotQ3K<NT>(row, nb, y, ys, out, os);
        return;
    default:
        dotIQ3S<NT>(row, nb, y, ys, out, os);
        return;
    }
}

#endif // HEARTH_X86

} // namespace

bool isLowBitQ8KType(TensorType type)
{
    return type == TensorType::Q2_K || type == TensorType::Q3_K || type == TensorType::IQ3_S;
}

void rowDotLowBitQ8KPortable(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8K* xq,
    size_t xqStride, uint32_t nTokens, float* out, size_t outStride)
{
    HEARTH_CHECK(isLowBitQ8KType(type));
    const size_t bytes = type == TensorType::Q2_K ? kBytesQ2K : kBytesQ3K; // IQ3_S is 110 too
    const uint32_t nb = cols / 256;
    for (uint32_t t = 0; t < nTokens; ++t) {
        float sum = 0;
        for (uint32_t i = 0; i < nb; ++i) {
            const uint8_t* b = row + i * bytes;
            const BlockQ8K& y = xq[t * xqStride + i];
            sum += type == TensorType::Q2_K ? blockDotQ2K(b, y)
                : type == TensorType::Q3_K  ? blockDotQ3K(b, y)
                                            : blockDotIQ3S(b, y);
        }
        out[t * outStride] = sum;
    }
}

void rowDotLowBitQ8K(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8K* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
#ifdef HEARTH_X86
    if (haveAvx2()) {
        // Four tokens per pass: each super-block is unpacked once for all four.
        const uint32_t nb = cols / 256;
        uint32_t t = 0;
        for (; t + 4 <= nTokens; t += 4)
            dotTileLowBit<4>(type, row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
        for (; t < nTokens; ++t)
            dotTileLowBit<1>(type, row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
        return;
    }
#endif
    rowDotLowBitQ8KPortable(type, row, cols, xq, xqStride, nTokens, out, outStride);
}

} // namespace hearth::cpu
