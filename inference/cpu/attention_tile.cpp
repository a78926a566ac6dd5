// Tiles of the KV cache and the online-softmax step of one query row over a tile (attention_tile.h).
#include "cpu/attention_tile.h"

#include "cpu/cpu_features.h"
#include "cpu/dot.h"
#include "cpu/simd.h"
#include "quant/float_convert.h"

#include <algorithm>
#include <cstring>

namespace hearth::cpu {

namespace {

// Element `d` of the head at `offset` in cache row `pos`.
float cacheElement(const KvView& cache, uint32_t pos, uint32_t offset, uint32_t d)
{
    const size_t index = size_t(pos) * cache.rowElements + offset + d;
    if (cache.f16) return halfToFloat(static_cast<const uint16_t*>(cache.data)[index]);
    return static_cast<const float*>(cache.data)[index];
}

void loadKeyTilePortable(
    const KvView& cache, uint32_t first, uint32_t count, uint32_t offset, uint32_t headDim, float* kT)
{
    for (uint32_t d = 0; d < headDim; ++d) {
        float* column = kT + size_t(d) * kKeyTile;
        for (uint32_t j = 0; j < count; ++j)
            column[j] = cacheElement(cache, first + j, offset, d);
        std::fill(column + count, column + kKeyTile, 0.0f);
    }
}

void loadValueTilePortable(
    const KvView& cache, uint32_t first, uint32_t count, uint32_t offset, uint32_t headDim, float* v)
{
    for (uint32_t j = 0; j < count; ++j)
        for (uint32_t d = 0; d < headDim; ++d)
            v[size_t(j) * headDim + d] = cacheElement(cache, first + j, offset, d);
    std::fill(v + size_t(count) * headDim, v + size_t(kKeyTile) * headDim, 0.0f);
}

void attendTilePortable(const float* q, const float* kT, const float* v, uint32_t headDim, uint32_t visible,
    SoftmaxRow& row, float* out)
{
    float s[kKeyTile] = {};
    for (uint32_t d = 0; d < headDim; ++d) {
        const float* k = kT + size_t(d) * kKeyTile;
        for (uint32_t j = 0; j < kKeyTile; ++j)
            s[j] += q[d] * k[j];
    }
    float tileMax = -INFINITY;
    for (uint32_t j = 0; j < visible; ++j)
        tileMax = std::max(tileMax, s[j]);
    const float newMax = std::max(row.max, tileMax);
    const float correction = std::exp(row.max - newMax); // 0 on the first tile (max was -inf)
    float tileSum = 0;
    for (uint32_t j = 0; j < visible; ++j) {
        s[j] = std::exp(s[j] - newMax);
        tileSum += s[j];
    }
    row.sum = row.sum * correction + tileSum;
    row.max = newMax;
    for (uint32_t d = 0; d < headDim; ++d) {
        float acc = out[d] * correction;
        for (uint32_t j = 0; j < visible; ++j)
            acc += s[j] * v[size_t(j) * headDim + d];
        out[d] = acc;
    }
}

#ifdef HEARTH_X86

// exp(x) for eight lanes (expf_poly in attention_tile.h).
HEARTH_AVX2 __m256 expAvx2(__m256 x)
{
    const __m256 low = _mm256_set1_ps(expf_poly::kLow);
    const __m256 normal = _mm256_cmp_ps(x, low, _CMP_GE_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, low), _mm256_set1_ps(expf_poly::kHigh));
    const __m256 n = _mm256_round_ps(
        _mm256_mul_ps(x, _mm256_set1_ps(expf_poly::kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(expf_poly::kLn2High), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(expf_poly::kLn2Low), r);
    __m256 p = _mm256_set1_ps(expf_poly::kCoefficients[0]);
    for (int i = 1; i < 6; ++i)
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(expf_poly::kCoefficients[i]));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i exponent
        = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_and_ps(_mm256_mul_ps(p, _mm256_castsi256_ps(exponent)), normal);
}

// Eight elements of cache row `pos` from element `index` on, as floats.
HEARTH_AVX2 __m256 load8(const KvView& cache, uint32_t pos, size_t index)
{
    index += size_t(pos) * cache.rowElements;
    if (cache.f16)
        return _mm256_cvtph_ps(_mm_loadu_si128(
            reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(cache.data) + index)));
    return _mm256_loadu_ps(static_cast<const float*>(cache.data) + index);
}

// Rows of 8 floats transposed in registers (the classic unpack / shuffle / permute of 8x8).
HEARTH_AVX2 void transpose8(__m256 r[8])
{
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xee);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xee);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xee);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xee);
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

HEARTH_AVX2 void loadKeyTileAvx2(
    const KvView& cache, uint32_t first, uint32_t count, uint32_t offset, uint32_t headDim, float* kT)
{
    const uint32_t wide = headDim / 8 * 8; // the rest, if any, element by element
    for (uint32_t j0 = 0; j0 < kKeyTile; j0 += 8)
        for (uint32_t d0 = 0; d0 < wide; d0 += 8) {
            __m256 r[8];
            for (uint32_t i = 0; i < 8; ++i)
                r[i] = j0 + i < count ? load8(cache, first + j0 + i, offset + d0) : _mm256_setzero_ps();
            transpose8(r);
            for (uint32_t i = 0; i < 8; ++i)
                _mm256_storeu_ps(kT + size_t(d0 + i) * kKeyTile + j0, r[i]);
        }
    for (uint32_t d = wide; d < headDim; ++d)
        for (uint32_t j = 0; j < kKeyTile; ++j)
            kT[size_t(d) * kKeyTile + j] = j < count ? cacheElement(cache, first + j, offset, d) : 0.0f;
}

HEARTH_AVX2 void loadValueTileAvx2(
    const KvView& cache, uint32_t first, uint32_t count, uint32_t offset, uint32_t headDim, float* v)
{
    const uint32_t wide = headDim / 8 * 8;
    for (uint32_t j = 0; j < count; ++j) {
        float* row = v + size_t(j) * headDim;
        for (uint32_t d = 0; d < wide; d += 8)
            _mm256_storeu_ps(row + d, load8(cache, first + j, offset + d));
        for (uint32_t d = wide; d < headDim; ++d)
            row[d] = cacheElement(cache, first + j, offset, d);
    }
    std::fill(v + size_t(count) * headDim, v + size_t(kKeyTile) * headDim, 0.0f);
}

HEARTH_AVX2 void attendTileAvx2(const float* q, const float* kT, const float* v, uint32_t headDim,
    uint32_t visible, SoftmaxRow& row, float* out)
{
    constexpr uint32_t lanes = kKeyTile / 8;
    // Scores: eight keys per register, the query's elements broadcast one by one.
    __m256 s[lanes];
    for (uint32_t i = 0; i < lanes; ++i)
        s[i] = _mm256_setzero_ps();
    for (uint32_t d = 0; d < headDim; ++d) {
        const __m256 qd = _mm256_broadcast_ss(q + d);
        const float* k = kT + size_t(d) * kKeyTile;
        for (uint32_t i = 0; i < lanes; ++i)
            s[i] = _mm256_fmadd_ps(qd, _mm256_loadu_ps(k + 8 * i), s[i]);
    }
    // Keys past `visible` score -inf; the tile's maximum.
    const __m256 index = _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 limit = _mm256_set1_ps(float(visible));
    __m256 maxima = _mm256_set1_ps(-INFINITY);
    for (uint32_t i = 0; i < lanes; ++i) {
        const __m256 seen
            = _mm256_cmp_ps(_mm256_add_ps(index, _mm256_set1_ps(float(8 * i))), limit, _CMP_LT_OQ);
        s[i] = _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), s[i], seen);
        maxima = _mm256_max_ps(maxima, s[i]);
    }
    const float newMax = std::max(row.max, hmax(maxima));
    const float correction = std::exp(row.max - newMax); // 0 on the first tile (max was -inf)
    // Weights exp(score - max), their sum.
    alignas(32) float p[kKeyTile];
    __m256 sums = _mm256_setzero_ps();
    for (uint32_t i = 0; i < lanes; ++i) {
        const __m256 e = expAvx2(_mm256_sub_ps(s[i], _mm256_set1_ps(newMax)));
        sums = _mm256_add_ps(sums, e);
        _mm256_store_ps(p + 8 * i, e);
    }
    row.sum = row.sum * correction + hsum(sums);
    row.max = newMax;
    // out = out * correction + sum_j p_j v_j, 64 output elements at a time in registers: eight
    // independent chains of FMAs keep both FMA units busy through their latency.
    const __m256 c = _mm256_set1_ps(correction);
    uint32_t d = 0;
    for (; d + 64 <= headDim; d += 64) {
        __m256 acc[8];
        for (uint32_t i = 0; i < 8; ++i)
            acc[i] = _mm256_mul_ps(_mm256_loadu_ps(out + d + 8 * i), c);
        for (uint32_t j = 0; j < visible; ++j) {
            const __m256 pj = _mm256_broadcast_ss(p + j);
            const float* vj = v + size_t(j) * headDim + d;
            for (uint32_t i = 0; i < 8; ++i)
                acc[i] = _mm256_fmadd_ps(pj, _mm256_loadu_ps(vj + 8 * i), acc[i]);
        }
        for (uint32_t i = 0; i < 8; ++i)
            _mm256_storeu_ps(out + d + 8 * i, acc[i]);
    }
    for (; d + 8 <= headDim; d += 8) {
        __m256 acc = _mm256_mul_ps(_mm256_loadu_ps(out + d), c);
        for (uint32_t j = 0; j < visible; ++j)
            acc = _mm256_fmadd_ps(
                _mm256_broadcast_ss(p + j), _mm256_loadu_ps(v + size_t(j) * headDim + d), acc);
        _mm256_storeu_ps(out + d, acc);
    }
    for (; d < headDim; ++d) {
        float acc = out[d] * correction;
        for (uint32_t j = 0; j < visible; ++j)
            acc += p[j] * v[size_t(j) * headDim + d];
        out[d] = acc;
    }
}

#endif // HEARTH_X86

} // namespace

void loadKeyTile(
    const KvView& cache, uint32_t first, uint32_t count, uint32_t offset, uint32_t headDim, float* kT)
{
#ifdef HEARTH_X86
    if (haveAvx2()) return loadKeyTileAvx2(cache, first, count, offset, headDim, kT);
#endif
    loadKeyTilePortable(cache, first, count, offset, headDim, kT);
}

void loadValueTile(
    const KvView& cache, uint32_t first, uint32_t count, uint32_t offset, uint32_t headDim, float* v)
{
#ifdef HEARTH_X86
    if (haveAvx2()) return loadValueTileAvx2(cache, first, count, offset, headDim, v);
#endif
    loadValueTilePortable(cache, first, count, offset, headDim, v);
}

void attendTile(const float* q, const float* kT, const float* v, uint32_t headDim, uint32_t visible,
    SoftmaxRow& row, float* out)
{
#ifdef HEARTH_X86
    if (haveAvx2()) return attendTileAvx2(q, kT, v, headDim, visible, row, out);
#endif
    attendTilePortable(q, kT, v, headDim, visible, row, out);
}

void attendTileRows(const float* q, uint32_t rowCount, const float* kT, const float* v, uint32_t headDim,
    uint32_t visible, SoftmaxRow* rows, float* out)
{
#ifdef HEARTH_X86
    if (simdLevel() == SimdLevel::Avx512Vnni && headDim % 64 == 0)
        return attendTileRowsAvx512(q, rowCount, kT, v, headDim, visible, rows, out);
#endif
    for (uint32_t r = 0; r < rowCount; ++r)
        attendTile(q + size_t(r) * headDim, kT, v, headDim, visible, rows[r], out + size_t(r) * headDim);
}

} // namespace hearth::cpu
