// IQ4_XS rows against 8-bit activations per 256 (BlockQ8K), in integers, AVX2 only (as ggml's
// vec_dot_iq4_xs_q8_K): each run of 32 nibbles goes through the IQ4 table with one byte shuffle,
// meets the activation bytes in maddubs, and is weighted by its 6-bit run scale in madd; one float
// conversion per super-block.
#include "cpu/dot.h"
#include "cpu/simd.h"
#include "quant/dequant_kiq.h"
#include "quant/float_convert.h"
#include "quant/iq_tables.h"
#include "util/result.h"

namespace hearth::cpu {

#ifdef HEARTH_X86

namespace {

template <int NT>
HEARTH_AVX2 void dotIQ4XS(
    const uint8_t* row, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    const __m256i table
        = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    __m256 acc[NT];
    for (int t = 0; t < NT; ++t)
        acc[t] = _mm256_setzero_ps();
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* b = row + size_t(i) * 136;
        const float d = _cvtsh_ss(loadU16(b));
        __m256i sumi[NT];
        for (int t = 0; t < NT; ++t)
            sumi[t] = _mm256_setzero_si256();
        for (int r = 0; r < 8; ++r) {
            // Elements 0..15 of the run in the low nibbles, 16..31 in the high ones.
            const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 8 + 16 * r));
            const __m256i idx = _mm256_and_si256(
                _mm256_insertf128_si256(_mm256_castsi128_si256(packed), _mm_srli_epi16(packed, 4), 1), m4);
            const __m256i q = _mm256_shuffle_epi8(table, idx);
            const __m256i absQ = _mm256_sign_epi8(q, q);
            const __m256i scale = _mm256_set1_epi16(int16_t(scaleIQ4_XS(b, r)));
            for (int t = 0; t < NT; ++t) {
                const __m256i qy
                    = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[t * ys + i].qs + 32 * r));
                const __m256i p = _mm256_maddubs_epi16(absQ, _mm256_sign_epi8(qy, q));
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

} // namespace

#endif // HEARTH_X86

void rowDotIQ4XSQ8K(const uint8_t* row, uint32_t cols, const BlockQ8K* xq, size_t xqStride, uint32_t nTokens,
    float* out, size_t outStride)
{
#ifdef HEARTH_X86
    const uint32_t nb = cols / 256;
    uint32_t t = 0;
    for (; t + 4 <= nTokens; t += 4)
        dotIQ4XS<4>(row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
    for (; t < nTokens; ++t)
        dotIQ4XS<1>(row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
#else
    (void)row, (void)cols, (void)xq, (void)xqStride, (void)nTokens, (void)out, (void)outStride;
    HEARTH_CHECK(!"rowDotIQ4XSQ8K needs AVX2");
#endif
}

} // namespace hearth::cpu
