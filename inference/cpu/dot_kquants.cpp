// K-quant rows (Q4_K, Q5_K, Q6_K) against 8-bit activations in integers, AVX2 only: the quants are
// unpacked 32 at a time, multiplied with maddubs, weighted by their 6/8-bit sub-block scales with
// madd, and converted to float once per 256-element super-block (as ggml's vec_dot_q*_K_q8_K).
#include "cpu/dot.h"
#include "cpu/simd.h"
#include "quant/dequant_block.h"
#include "quant/float_convert.h"

#include <algorithm>
#include <cmath>

namespace hearth::cpu {

namespace {

// The 16- and 32-run sums of a quantized super-block (the K-quant mins multiply them).
void fillSums(BlockQ8K& block)
{
    for (int h = 0; h < 16; ++h) {
        int32_t sum = 0;
        for (int j = 16 * h; j < 16 * h + 16; ++j)
            sum += block.qs[j];
        block.halfSums[h] = int16_t(sum); // |sum| <= 16 * 127
    }
    for (int g = 0; g < 8; ++g)
        block.sums[g] = block.halfSums[2 * g] + block.halfSums[2 * g + 1];
}

void quantizeRowQ8KPortable(const float* x, BlockQ8K* out, uint32_t n)
{
    // Symmetric: scale = max|x| / 127, round to nearest; the 16- and 32-run sums are kept for the mins.
    for (uint32_t b = 0; b < n / 256; ++b) {
        const float* v = x + size_t(b) * 256;
        float amax = 0;
        for (int j = 0; j < 256; ++j)
            amax = std::max(amax, std::fabs(v[j]));
        const float id = amax != 0 ? 127.0f / amax : 0.0f;
        out[b].d = amax / 127.0f;
        for (int j = 0; j < 256; ++j)
            out[b].qs[j] = int8_t(std::nearbyint(v[j] * id));
        fillSums(out[b]);
    }
}

#ifdef HEARTH_X86
// The same, eight lanes at a time (cvtps_epi32 rounds to nearest even, as nearbyint).
HEARTH_AVX2 void quantizeRowQ8KAvx2(const float* x, BlockQ8K* out, uint32_t n)
{
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (uint32_t b = 0; b < n / 256; ++b) {
        const float* v = x + size_t(b) * 256;
        __m256 amax = _mm256_setzero_ps();
        for (int j = 0; j < 256; j += 8)
            amax = _mm256_max_ps(amax, _mm256_andnot_ps(signBit, _mm256_loadu_ps(v + j)));
        const float maxAbs = hmax(amax);
        out[b].d = maxAbs / 127.0f;
        const __m256 id = _mm256_set1_ps(maxAbs != 0 ? 127.0f / maxAbs : 0.0f);
        for (int j = 0; j < 256; j += 32) {
            __m256i q[4];
            for (int k = 0; k < 4; ++k)
                q[k] = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(v + j + 8 * k), id));
            const __m256i q16a = _mm256_packs_epi32(q[0], q[1]), q16b = _mm256_packs_epi32(q[2], q[3]);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[b].qs + j),
                _mm256_permutevar8x32_epi32(_mm256_packs_epi16(q16a, q16b), order));
        }
        fillSums(out[b]);
    }
}
#endif

} // namespace

void quantizeRowQ8K(const float* x, BlockQ8K* out, uint32_t n)
{
#ifdef HEARTH_X86
    if (haveAvx2()) return quantizeRowQ8KAvx2(x, out, n);
#endif
    quantizeRowQ8KPortable(x, out, n);
}

#ifdef HEARTH_X86

namespace {

HEARTH_AVX2 inline __m256i loadY(const int8_t* p)
{
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

// Q4_K: four chunks of 64; low nibbles are sub-block 2c, high nibbles 2c+1; x = d*sc*q - dmin*m.
template <int NT>
HEARTH_AVX2 void dotQ4K(const uint8_t* row, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    __m256 acc[NT];
    float accMin[NT] = {};
    for (int t = 0; t < NT; ++t)
        acc[t] = _mm256_setzero_ps();
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* b = row + size_t(i) * 144;
        const float d = _cvtsh_ss(loadU16(b)), dmin = _cvtsh_ss(loadU16(b + 2));
        uint8_t sc[8], mn[8];
        for (int j = 0; j < 8; ++j)
            scaleMinK4(j, b + 4, sc[j], mn[j]);
        __m256i sumi[NT];
        for (int t = 0; t < NT; ++t)
            sumi[t] = _mm256_setzero_si256();
        for (int c = 0; c < 4; ++c) {
            const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 16 + 32 * c));
            const __m256i lo = _mm256_and_si256(bits, m4),
                          hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
            const __m256i sLo = _mm256_set1_epi16(sc[2 * c]), sHi = _mm256_set1_epi16(sc[2 * c + 1]);
            for (int t = 0; t < NT; ++t) {
                const int8_t* q8 = y[t * ys + i].qs + 64 * c;
                const __m256i pLo = _mm256_madd_epi16(_mm256_maddubs_epi16(lo, loadY(q8)), sLo);
                const __m256i pHi = _mm256_madd_epi16(_mm256_maddubs_epi16(hi, loadY(q8 + 32)), sHi);
                sumi[t] = _mm256_add_epi32(sumi[t], _mm256_add_epi32(pLo, pHi));
            }
        }
        for (int t = 0; t < NT; ++t) {
            const BlockQ8K& yb = y[t * ys + i];
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * yb.d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
            int32_t mins = 0;
            for (int j = 0; j < 8; ++j)
                mins += int32_t(mn[j]) * yb.sums[j];
            accMin[t] += dmin * yb.d * float(mins);
        }
    }
    for (int t = 0; t < NT; ++t)
        out[t * os] = hsum(acc[t]) - accMin[t];
}

// Q5_K: as Q4_K with a fifth bit per quant in qh (bit 2c for the low nibbles of chunk c, 2c+1 high).
template <int NT>
HEARTH_AVX2 void dotQ5K(const uint8_t* row, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    const __m256i m4 = _mm256_set1_epi8(0x0f), one = _mm256_set1_epi8(1);
    __m256 acc[NT];
    float accMin[NT] = {};
    for (int t = 0; t < NT; ++t)
        acc[t] = _mm256_setzero_ps();
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* b = row + size_t(i) * 176;
        const float d = _cvtsh_ss(loadU16(b)), dmin = _cvtsh_ss(loadU16(b + 2));
        uint8_t sc[8], mn[8];
        for (int j = 0; j < 8; ++j)
            scaleMinK4(j, b + 4, sc[j], mn[j]);
        const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 16));
        __m256i sumi[NT];
        for (int t = 0; t < NT; ++t)
            sumi[t] = _mm256_setzero_si256();
        for (int c = 0; c < 4; ++c) {
            const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 48 + 32 * c));
            // Bit k of each qh byte moved to bit 4 (16-bit shifts: only bit 0 of each byte is kept).
            const __m256i hLo
                = _mm256_slli_epi16(_mm256_and_si256(_mm256_srl_epi16(qh, _mm_cvtsi32_si128(2 * c)), one), 4);
            const __m256i hHi = _mm256_slli_epi16(
                _mm256_and_si256(_mm256_srl_epi16(qh, _mm_cvtsi32_si128(2 * c + 1)), one), 4);
            const __m256i lo = _mm256_or_si256(_mm256_and_si256(bits, m4), hLo);
            const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4), hHi);
            const __m256i sLo = _mm256_set1_epi16(sc[2 * c]), sHi = _mm256_set1_epi16(sc[2 * c + 1]);
            for (int t = 0; t < NT; ++t) {
                const int8_t* q8 = y[t * ys + i].qs + 64 * c;
                const __m256i pLo = _mm256_madd_epi16(_mm256_maddubs_epi16(lo, loadY(q8)), sLo);
                const __m256i pHi = _mm256_madd_epi16(_mm256_maddubs_epi16(hi, loadY(q8 + 32)), sHi);
                sumi[t] = _mm256_add_epi32(sumi[t], _mm256_add_epi32(pLo, pHi));
            }
        }
        for (int t = 0; t < NT; ++t) {
            const BlockQ8K& yb = y[t * ys + i];
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * yb.d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
            int32_t mins = 0;
            for (int j = 0; j < 8; ++j)
                mins += int32_t(mn[j]) * yb.sums[j];
            accMin[t] += dmin * yb.d * float(mins);
        }
    }
    for (int t = 0; t < NT; ++t)
        out[t * os] = hsum(acc[t]) - accMin[t];
}

// Q6_K: two halves of 128; in each, four 32-runs share the ql/qh bytes (dequantizeQ6_K's layout);
// quants are 0..63 with an offset of 32, removed as 32 * sum(y) per pair of products.
template <int NT>
HEARTH_AVX2 void dotQ6K(const uint8_t* row, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    const __m256i m4 = _mm256_set1_epi8(0x0f), m3 = _mm256_set1_epi8(3), m32 = _mm256_set1_epi8(32);
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t)
        acc[t] = _mm256_setzero_ps();
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* b = row + size_t(i) * 210;
        const auto* scales = reinterpret_cast<const int8_t*>(b + 192);
        const float d = _cvtsh_ss(loadU16(b + 208));
        __m256i sumi[NT];
        for (int t = 0; t < NT; ++t)
            sumi[t] = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i qlA = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 64 * h));
            const __m256i qlB = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 64 * h + 32));
            const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 128 + 32 * h));
            const __m256i q[4] = {
                _mm256_or_si256(_mm256_and_si256(qlA, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m3), 4)),
                _mm256_or_si256(_mm256_and_si256(qlB, m4),
                    _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m3), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(qlA, 4), m4),
                    _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m3), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(qlB, 4), m4),
                    _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m3), 4)),
            };
            // Run k uses scales 2k (its first 16 quants) and 2k+1 (the next 16).
            const int8_t* sc = scales + 8 * h;
            __m256i s[4];
            for (int k = 0; k < 4; ++k)
                s[k] = _mm256_set_m128i(_mm_set1_epi16(sc[2 * k + 1]), _mm_set1_epi16(sc[2 * k]));
            for (int t = 0; t < NT; ++t) {
                const int8_t* q8 = y[t * ys + i].qs + 128 * h;
                for (int k = 0; k < 4; ++k) {
                    const __m256i yk = loadY(q8 + 32 * k);
                    const __m256i p
                        = _mm256_sub_epi16(_mm256_maddubs_epi16(q[k], yk), _mm256_maddubs_epi16(m32, yk));
                    sumi[t] = _mm256_add_epi32(sumi[t], _mm256_madd_epi16(p, s[k]));
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

template <int NT>
HEARTH_AVX2 void dotTile(
    TensorType type, const uint8_t* row, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    switch (type) {
    case TensorType::Q4_K:
        dotQ4K<NT>(row, nb, y, ys, out, os);
        return;
    case TensorType::Q5_K:
        dotQ5K<NT>(row, nb, y, ys, out, os);
        return;
    default:
        dotQ6K<NT>(row, nb, y, ys, out, os);
        return;
    }
}

} // namespace

#endif // HEARTH_X86

bool usesQ8KActivations(TensorType type)
{
    if (isLowBitQ8KType(type)) return true; // integer loops on every CPU
    return haveAvx2()
        && (type == TensorType::Q4_K || type == TensorType::Q5_K || type == TensorType::Q6_K
            || type == TensorType::IQ4_XS);
}

void rowDotQ8K(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8K* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    if (type == TensorType::IQ4_XS) return rowDotIQ4XSQ8K(row, cols, xq, xqStride, nTokens, out, outStride);
    if (isLowBitQ8KType(type)) return rowDotLowBitQ8K(type, row, cols, xq, xqStride, nTokens, out, outStride);
#ifdef HEARTH_X86
    // Four tokens per pass: each super-block is unpacked once for all four.
    const uint32_t nb = cols / 256;
    uint32_t t = 0;
    for (; t + 4 <= nTokens; t += 4)
        dotTile<4>(type, row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
    for (; t < nTokens; ++t)
        dotTile<1>(type, row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
#else
    (void)type, (void)row, (void)cols, (void)xq, (void)xqStride, (void)nTokens, (void)out, (void)outStride;
    HEARTH_CHECK(!"rowDotQ8K needs AVX2");
#endif
}

} // namespace hearth::cpu
