// The online-softmax step of attention_tile.h for several query rows at once, on AVX-512: the query
// heads of one KV group at one token see the same positions, so each key and value register loaded
// from the tile meets up to four rows (a quarter of the loads of one row at a time), and the four
// rows' sums are sixteen independent FMA chains. Compiled with target attributes, reached only when
// simdLevel() is Avx512Vnni.
#include "cpu/attention_tile.h"

#if defined(__x86_64__)
// GCC 12's AVX-512 headers start some conversions from _mm512_undefined_*(), which it then reports
// as "(may be) used uninitialized" in every caller: a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <algorithm>
#include <immintrin.h>

#define HEARTH_AVX512 __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq")))

namespace hearth::cpu {

namespace {

constexpr uint32_t kLanes = kKeyTile / 16; // registers per tile row of scores

// exp(x) for sixteen lanes (expf_poly in attention_tile.h).
HEARTH_AVX512 __m512 expAvx512(__m512 x)
{
    const __m512 low = _mm512_set1_ps(expf_poly::kLow);
    const __mmask16 normal = _mm512_cmp_ps_mask(x, low, _CMP_GE_OQ);
    x = _mm512_min_ps(_mm512_max_ps(x, low), _mm512_set1_ps(expf_poly::kHigh));
    const __m512 n = _mm512_roundscale_ps(
        _mm512_mul_ps(x, _mm512_set1_ps(expf_poly::kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(expf_poly::kLn2High), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(expf_poly::kLn2Low), r);
    __m512 p = _mm512_set1_ps(expf_poly::kCoefficients[0]);
    for (int i = 1; i < 6; ++i)
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(expf_poly::kCoefficients[i]));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    const __m512i exponent
        = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_maskz_mul_ps(normal, p, _mm512_castsi512_ps(exponent));
}

// R rows (R ≤ 4) of q, each headDim floats apart, against the first `visible` positions of a tile;
// headDim a multiple of 64.
template <int R>
HEARTH_AVX512 void attendRows(const float* q, const float* kT, const float* v, uint32_t headDim,
    uint32_t visible, SoftmaxRow* rows, float* out)
{
    // Scores: a tile row of keys loaded once per element d, broadcast elements of each query.
    __m512 s[R][kLanes];
    for (int r = 0; r < R; ++r)
        for (uint32_t i = 0; i < kLanes; ++i)
            s[r][i] = _mm512_setzero_ps();
    for (uint32_t d = 0; d < headDim; ++d) {
        const float* k = kT + size_t(d) * kKeyTile;
        __m512 kd[kLanes];
        for (uint32_t i = 0; i < kLanes; ++i)
            kd[i] = _mm512_loadu_ps(k + 16 * i);
        for (int r = 0; r < R; ++r) {
            const __m512 qd = _mm512_set1_ps(q[size_t(r) * headDim + d]);
            for (uint32_t i = 0; i < kLanes; ++i)
                s[r][i] = _mm512_fmadd_ps(qd, kd[i], s[r][i]);
        }
    }
    // Per row: keys past `visible` left out, the running maximum and sum, the weights.
    __mmask16 seen[kLanes];
    for (uint32_t i = 0; i < kLanes; ++i) {
        const uint32_t first = 16 * i;
        seen[i] = visible >= first + 16 ? __mmask16(0xffff)
                                        : (visible > first ? __mmask16((1u << (visible - first)) - 1) : 0);
    }
    alignas(64) float p[R][kKeyTile];
    float correction[R];
    for (int r = 0; r < R; ++r) {
        __m512 maxima = _mm512_set1_ps(-INFINITY);
        for (uint32_t i = 0; i < kLanes; ++i)
            maxima = _mm512_mask_max_ps(maxima, seen[i], maxima, s[r][i]);
        const float newMax = std::max(rows[r].max, _mm512_reduce_max_ps(maxima));
        correction[r] = std::exp(rows[r].max - newMax); // 0 on the first tile (max was -inf)
        __m512 sums = _mm512_setzero_ps();
        for (uint32_t i = 0; i < kLanes; ++i) {
            const __m512 e
                = _mm512_maskz_mov_ps(seen[i], expAvx512(_mm512_sub_ps(s[r][i], _mm512_set1_ps(newMax))));
            sums = _mm512_add_ps(sums, e);
            _mm512_store_ps(p[r] + 16 * i, e);
        }
        rows[r].sum = rows[r].sum * correction[r] + _mm512_reduce_add_ps(sums);
        rows[r].max = newMax;
    }
    // out = out * correction + sum_j p_j v_j, 64 elements of every row at a time, each value register
    // loaded once for all rows.
    for (uint32_t d = 0; d < headDim; d += 64) {
        __m512 acc[R][4];
        for (int r = 0; r < R; ++r)
            for (uint32_t i = 0; i < 4; ++i)
                acc[r][i] = _mm512_mul_ps(
                    _mm512_loadu_ps(out + size_t(r) * headDim + d + 16 * i), _mm512_set1_ps(correction[r]));
        for (uint32_t j = 0; j < visible; ++j) {
            const float* vj = v + size_t(j) * headDim + d;
            __m512 vd[4];
            for (uint32_t i = 0; i < 4; ++i)
                vd[i] = _mm512_loadu_ps(vj + 16 * i);
            for (int r = 0; r < R; ++r) {
                const __m512 pj = _mm512_set1_ps(p[r][j]);
                for (uint32_t i = 0; i < 4; ++i)
                    acc[r][i] = _mm512_fmadd_ps(pj, vd[i], acc[r][i]);
            }
        }
        for (int r = 0; r < R; ++r)
            for (uint32_t i = 0; i < 4; ++i)
                _mm512_storeu_ps(out + size_t(r) * headDim + d + 16 * i, acc[r][i]);
    }
}

} // namespace

void attendTileRowsAvx512(const float* q, uint32_t rowCount, const float* kT, const float* v,
    uint32_t headDim, uint32_t visible, SoftmaxRow* rows, float* out)
{
    uint32_t r = 0;
    for (; r + 4 <= rowCount; r += 4)
        attendRows<4>(q + size_t(r) * headDim, kT, v, headDim, visible, rows + r, out + size_t(r) * headDim);
    const float* qr = q + size_t(r) * headDim;
    float* o = out + size_t(r) * headDim;
    switch (rowCount - r) {
    case 3:
        return attendRows<3>(qr, kT, v, headDim, visible, rows + r, o);
    case 2:
        return attendRows<2>(qr, kT, v, headDim, visible, rows + r, o);
    case 1:
        return attendRows<1>(qr, kT, v, headDim, visible, rows + r, o);
    default:
        return;
    }
}

} // namespace hearth::cpu

#endif // __x86_64__
