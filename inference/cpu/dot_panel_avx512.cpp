// The panel kernels on AVX-512 VNNI (layouts in panel_layout.h): a tile of up to 8 tokens against one
// 16-row panel. Each 64-byte chunk of quants is loaded and unpacked once per tile, then meets each
// token's four activation bytes (broadcast to the 16 lanes, one per row) in one vpdpbusd; the block's
// 16 row scales multiply the lanes as a vector. Compiled with target attributes, so the rest of the
// library stays portable; reached only when simdLevel() is Avx512Vnni.
#include "cpu/panel_layout.h"

#if defined(__x86_64__)
// GCC 12's AVX-512 headers start some conversions from _mm512_undefined_*(), which it then reports
// as "may be used uninitialized" in every caller: a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <cstring>
#include <immintrin.h>

#define HEARTH_AVX512 __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))

namespace hearth::cpu {

namespace {

constexpr uint32_t kTileTokens = 8;
// Decode (a tile of one or two tokens) reads each weight byte once and waits on memory: the kernels
// ask for the quants this far ahead, more than the hardware prefetcher keeps in flight.
constexpr size_t kPrefetchBytes = 2048;

template <int NT> HEARTH_AVX512 inline void prefetchAhead(const uint8_t* p, size_t bytes)
{
    if constexpr (NT <= 2)
        for (size_t line = 0; line < bytes; line += 64)
            _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes + line), _MM_HINT_T0);
}

HEARTH_AVX512 inline __m512i broadcast4(const int8_t* p)
{
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

HEARTH_AVX512 inline __m512i load64(const uint8_t* p)
{
    return _mm512_loadu_si512(p);
}

// kIq4nlBiased in each 16-byte lane, for vpshufb.
HEARTH_AVX512 inline __m512i iq4Table()
{
    return _mm512_maskz_broadcast_i32x4(
        __mmask16(0xffff), _mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlBiased.values)));
}

HEARTH_AVX512 inline __m512 halves16(const uint8_t* p)
{
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

// The 32-element types (Q8PanelFormat): per block, the integer sum starts at -offset * sum(y), so the
// unsigned quants need no sign trick; nibbles get their fifth bit (Q5_0/Q5_1) or go through the
// table (IQ4_NL, one byte shuffle); Q4_1/Q5_1 add m·dy·sum(y).
template <int NT, TensorType T>
HEARTH_AVX512 void tileQ8(
    const uint8_t* panel, uint32_t nb, const BlockQ8x* y, size_t ys, float* out, size_t os)
{
    constexpr Q8PanelFormat f = q8PanelFormat(T);
    const uint8_t* side = panel + size_t(nb) * f.quantBytes;
    const __m512i m4 = _mm512_set1_epi8(0x0f), bit4 = _mm512_set1_epi8(0x10);
    const __m512i table = iq4Table();
    __m512 acc[NT];
    for (int t = 0; t < NT; ++t)
        acc[t] = _mm512_setzero_ps();
    for (uint32_t b = 0; b < nb; ++b) {
        const uint8_t* q = panel + size_t(b) * f.quantBytes;
        const uint8_t* s = side + size_t(b) * f.sideBytes();
        prefetchAhead<NT>(q, f.quantBytes);
        __m512i w[8];
        if constexpr (T == TensorType::Q8_0) {
            for (int g = 0; g < 8; ++g)
                w[g] = load64(q + 64 * g);
        } else {
            for (int c = 0; c < 4; ++c) {
                const __m512i raw = load64(q + 64 * c);
                w[c] = _mm512_and_si512(raw, m4);
                w[c + 4] = _mm512_and_si512(_mm512_srli_epi16(raw, 4), m4);
                if constexpr (f.fifthBit) {
                    const __m512i h = _mm512_srl_epi16(load64(q + 4 * 64), _mm_cvtsi32_si128(c));
                    w[c] = _mm512_or_si512(w[c], _mm512_and_si512(_mm512_slli_epi16(h, 4), bit4));
                    w[c + 4] = _mm512_or_si512(w[c + 4], _mm512_and_si512(h, bit4));
                }
                if constexpr (f.table) {
                    w[c] = _mm512_shuffle_epi8(table, w[c]);
                    w[c + 4] = _mm512_shuffle_epi8(table, w[c + 4]);
                }
            }
        }
        const __m512 dw = halves16(s);
        __m512 mw = _mm512_setzero_ps();
        if constexpr (f.min) mw = halves16(s + kPanelScaleBytes);
        for (int t = 0; t < NT; ++t) {
            const BlockQ8x& yb = y[t * ys + b];
            __m512i s0 = _mm512_set1_epi32(-f.offset * yb.sum), s1 = _mm512_setzero_si512();
            for (int g = 0; g < 8; g += 2) {
                s0 = _mm512_dpbusd_epi32(s0, w[g], broadcast4(yb.qs + 4 * g));
                s1 = _mm512_dpbusd_epi32(s1, w[g + 1], broadcast4(yb.qs + 4 * g + 4));
            }
            const __m512 dy = _mm512_set1_ps(yb.d);
            acc[t] = _mm512_fmadd_ps(
                _mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)), _mm512_mul_ps(dw, dy), acc[t]);
            if constexpr (f.min)
                acc[t] = _mm512_fmadd_ps(_mm512_set1_ps(float(yb.sum)), _mm512_mul_ps(mw, dy), acc[t]);
        }
    }
    for (int t = 0; t < NT; ++t)
        _mm512_storeu_ps(out + t * os, acc[t]);
}

// Q4_K, Q5_K and IQ4_XS (nibbles in Q4_K's order): per sub-block pair (one 32-byte run of qs per row:
// low nibbles, then high ones), 16 unpacked chunks meet each token; the sub-block sums are weighted by
// their 6-bit scales in integers. Q5_K's nibbles get their fifth bit; the K-quants' mins meet the
// activations' 32-sums through vpmaddwd (min pairs × sum pairs). IQ4_XS's nibbles go through the
// table (one byte shuffle), its sub-block sums start at -128 × their activation sums and meet signed
// scales; it has no mins.
template <int NT, TensorType T>
HEARTH_AVX512 void tileNibbleK(
    const uint8_t* panel, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    constexpr bool q5 = T == TensorType::Q5_K, iq4 = T == TensorType::IQ4_XS;
    constexpr size_t kQs = q5 ? kQ5_KPanelQs : kQ4_KPanelQs, kSide = iq4 ? kIQ4_XSPanelSide : kQ4_KPanelSide;
    constexpr size_t kScales = iq4 ? kIQ4_XSSideScales : kQ4_KSideScales;
    const __m512i m4 = _mm512_set1_epi8(0x0f), bit4 = _mm512_set1_epi8(0x10);
    const __m512i table = iq4Table();
    alignas(64) float acc[NT][kPanelRows] = {};
    for (uint32_t b = 0; b < nb; ++b) {
        const uint8_t* qs = panel + size_t(b) * kQs;
        const uint8_t* side = panel + size_t(nb) * kQs + size_t(b) * kSide;
        prefetchAhead<NT>(qs, kQs);
        __m512i isum[NT];
        for (int t = 0; t < NT; ++t)
            isum[t] = _mm512_setzero_si512();
        for (int c = 0; c < 4; ++c) {
            __m512i lo[8], hi[8];
            for (int g = 0; g < 8; ++g) {
                const __m512i raw = load64(qs + 512 * c + 64 * g);
                lo[g] = _mm512_and_si512(raw, m4);
                hi[g] = _mm512_and_si512(_mm512_srli_epi16(raw, 4), m4);
                if constexpr (q5) {
                    // Bits 2c and 2c + 1 of the fifth-bit bytes, to bit 4.
                    const __m512i h
                        = _mm512_srl_epi16(load64(qs + kQ4_KPanelQs + 64 * g), _mm_cvtsi32_si128(2 * c));
                    lo[g] = _mm512_or_si512(lo[g], _mm512_and_si512(_mm512_slli_epi16(h, 4), bit4));
                    hi[g] = _mm512_or_si512(hi[g], _mm512_and_si512(_mm512_slli_epi16(h, 3), bit4));
                }
                if constexpr (iq4) {
                    lo[g] = _mm512_shuffle_epi8(table, lo[g]);
                    hi[g] = _mm512_shuffle_epi8(table, hi[g]);
                }
            }
            const __m128i scLoBytes
                = _mm_loadu_si128(reinterpret_cast<const __m128i*>(side + kScales + 32 * c));
            const __m128i scHiBytes
                = _mm_loadu_si128(reinterpret_cast<const __m128i*>(side + kScales + 32 * c + 16));
            const __m512i scLo = iq4 ? _mm512_cvtepi8_epi32(scLoBytes) : _mm512_cvtepu8_epi32(scLoBytes);
            const __m512i scHi = iq4 ? _mm512_cvtepi8_epi32(scHiBytes) : _mm512_cvtepu8_epi32(scHiBytes);
            for (int t = 0; t < NT; ++t) {
                const BlockQ8K& yb = y[t * ys + b];
                const int8_t* yq = yb.qs + 64 * c;
                __m512i sLo = _mm512_setzero_si512(), sHi = _mm512_setzero_si512();
                if constexpr (iq4) {
                    sLo = _mm512_set1_epi32(-128 * yb.sums[2 * c]);
                    sHi = _mm512_set1_epi32(-128 * yb.sums[2 * c + 1]);
                }
                for (int g = 0; g < 8; ++g) {
                    sLo = _mm512_dpbusd_epi32(sLo, lo[g], broadcast4(yq + 4 * g));
                    sHi = _mm512_dpbusd_epi32(sHi, hi[g], broadcast4(yq + 32 + 4 * g));
                }
                isum[t] = _mm512_add_epi32(
                    isum[t], _mm512_add_epi32(_mm512_mullo_epi32(sLo, scLo), _mm512_mullo_epi32(sHi, scHi)));
            }
        }
        if constexpr (iq4) {
            const __m512 d = halves16(side + kIQ4_XSSideD);
            for (int t = 0; t < NT; ++t) {
                const __m512 scale = _mm512_mul_ps(d, _mm512_set1_ps(y[t * ys + b].d));
                _mm512_store_ps(
                    acc[t], _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[t]), scale, _mm512_load_ps(acc[t])));
            }
            continue;
        }
        const __m512 d = halves16(side + kQ4_KSideD), dmin = halves16(side + kQ4_KSideDmin);
        __m512i mins[4];
        for (int pr = 0; pr < 4; ++pr)
            mins[pr] = _mm512_cvtepu8_epi16(
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(side + kQ4_KSideMins + 32 * pr)));
        for (int t = 0; t < NT; ++t) {
            const BlockQ8K& yb = y[t * ys + b];
            __m512i ms = _mm512_setzero_si512();
            for (int pr = 0; pr < 4; ++pr) {
                const uint32_t pair
                    = (uint32_t(yb.sums[2 * pr]) & 0xffff) | (uint32_t(yb.sums[2 * pr + 1]) << 16);
                ms = _mm512_add_epi32(ms, _mm512_madd_epi16(mins[pr], _mm512_set1_epi32(int(pair))));
            }
            const __m512 dy = _mm512_set1_ps(yb.d);
            __m512 a = _mm512_load_ps(acc[t]);
            a = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[t]), _mm512_mul_ps(d, dy), a);
            a = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(ms), _mm512_mul_ps(dmin, dy), a);
            _mm512_store_ps(acc[t], a);
        }
    }
    for (int t = 0; t < NT; ++t)
        _mm512_storeu_ps(out + t * os, _mm512_load_ps(acc[t]));
}

// Q6_K: per half and per four groups, 16 unpacked chunks (4 runs of 32 × 4 groups) cover four
// 16-element sub-blocks; each sub-block sum starts at -32 * its activation sum (the offset) and is
// weighted by its 8-bit scale in integers.
template <int NT>
HEARTH_AVX512 void tileQ6K(
    const uint8_t* panel, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    const __m512i m4 = _mm512_set1_epi8(0x0f), m30 = _mm512_set1_epi8(0x30);
    alignas(64) float acc[NT][kPanelRows] = {};
    for (uint32_t b = 0; b < nb; ++b) {
        const uint8_t* ql = panel + size_t(b) * kQ6_KPanelQl;
        const uint8_t* qh = panel + size_t(nb) * kQ6_KPanelQl + size_t(b) * kQ6_KPanelQh;
        const uint8_t* side = panel + size_t(nb) * (kQ6_KPanelQl + kQ6_KPanelQh) + size_t(b) * kQ6_KPanelSide;
        prefetchAhead<NT>(ql, kQ6_KPanelQl);
        prefetchAhead<NT>(qh, kQ6_KPanelQh);
        __m512i isum[NT];
        for (int t = 0; t < NT; ++t)
            isum[t] = _mm512_setzero_si512();
        for (int n = 0; n < 2; ++n)
            for (int gq = 0; gq < 2; ++gq) {
                __m512i w[4][4]; // [run k][group g - 4 gq]
                for (int gi = 0; gi < 4; ++gi) {
                    const int g = 4 * gq + gi;
                    const __m512i a = load64(ql + 1024 * n + 128 * g),
                                  bq = load64(ql + 1024 * n + 128 * g + 64);
                    const __m512i h = load64(qh + 512 * n + 64 * g);
                    w[0][gi] = _mm512_or_si512(
                        _mm512_and_si512(a, m4), _mm512_and_si512(_mm512_slli_epi16(h, 4), m30));
                    w[1][gi] = _mm512_or_si512(
                        _mm512_and_si512(bq, m4), _mm512_and_si512(_mm512_slli_epi16(h, 2), m30));
                    w[2][gi] = _mm512_or_si512(
                        _mm512_and_si512(_mm512_srli_epi16(a, 4), m4), _mm512_and_si512(h, m30));
                    w[3][gi] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(bq, 4), m4),
                        _mm512_and_si512(_mm512_srli_epi16(h, 2), m30));
                }
                __m512i sc[4];
                for (int k = 0; k < 4; ++k)
                    sc[k] = _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(
                        side + kQ6_KSideScales + 16 * (8 * n + 2 * k + gq))));
                for (int t = 0; t < NT; ++t) {
                    const BlockQ8K& yb = y[t * ys + b];
                    for (int k = 0; k < 4; ++k) {
                        const int sub = 8 * n + 2 * k + gq;
                        const int8_t* yq = yb.qs + 128 * n + 32 * k + 16 * gq;
                        __m512i s = _mm512_set1_epi32(-32 * int32_t(yb.halfSums[sub]));
                        for (int gi = 0; gi < 4; ++gi)
                            s = _mm512_dpbusd_epi32(s, w[k][gi], broadcast4(yq + 4 * gi));
                        isum[t] = _mm512_add_epi32(isum[t], _mm512_mullo_epi32(s, sc[k]));
                    }
                }
            }
        const __m512 d = halves16(side + kQ6_KSideD);
        for (int t = 0; t < NT; ++t) {
            const __m512 scale = _mm512_mul_ps(d, _mm512_set1_ps(y[t * ys + b].d));
            _mm512_store_ps(
                acc[t], _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[t]), scale, _mm512_load_ps(acc[t])));
        }
    }
    for (int t = 0; t < NT; ++t)
        _mm512_storeu_ps(out + t * os, _mm512_load_ps(acc[t]));
}

// Tiles of 8 tokens, then one tile of the remainder: Tile<NT>::run for NT = 1..8.
template <template <int> class Tile, typename Block>
HEARTH_AVX512 void forEachTile(
    const uint8_t* panel, uint32_t nb, const Block* y, size_t ys, uint32_t nTokens, float* out, size_t os)
{
    uint32_t t = 0;
    for (; t + kTileTokens <= nTokens; t += kTileTokens)
        Tile<kTileTokens>::run(panel, nb, y + t * ys, ys, out + t * os, os);
    switch (nTokens - t) {
    case 7:
        return Tile<7>::run(panel, nb, y + t * ys, ys, out + t * os, os);
    case 6:
        return Tile<6>::run(panel, nb, y + t * ys, ys, out + t * os, os);
    case 5:
        return Tile<5>::run(panel, nb, y + t * ys, ys, out + t * os, os);
    case 4:
        return Tile<4>::run(panel, nb, y + t * ys, ys, out + t * os, os);
    case 3:
        return Tile<3>::run(panel, nb, y + t * ys, ys, out + t * os, os);
    case 2:
        return Tile<2>::run(panel, nb, y + t * ys, ys, out + t * os, os);
    case 1:
        return Tile<1>::run(panel, nb, y + t * ys, ys, out + t * os, os);
    default:
        return;
    }
}

template <TensorType T> struct Q8Tile {
    template <int NT> struct Of {
        HEARTH_AVX512 static void run(
            const uint8_t* p, uint32_t nb, const BlockQ8x* y, size_t ys, float* o, size_t os)
        {
            tileQ8<NT, T>(p, nb, y, ys, o, os);
        }
    };
};
template <TensorType T> struct NibbleKTile {
    template <int NT> struct Of {
        HEARTH_AVX512 static void run(
            const uint8_t* p, uint32_t nb, const BlockQ8K* y, size_t ys, float* o, size_t os)
        {
            tileNibbleK<NT, T>(p, nb, y, ys, o, os);
        }
    };
};
template <int NT> struct Q6_KTile {
    HEARTH_AVX512 static void run(
        const uint8_t* p, uint32_t nb, const BlockQ8K* y, size_t ys, float* o, size_t os)
    {
        tileQ6K<NT>(p, nb, y, ys, o, os);
    }
};

} // namespace

void panelDotQ8Avx512(const PackedMatrix& m, uint32_t p, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    const uint32_t nb = m.cols / 32;
    const uint8_t* panel = m.panel(p);
    switch (m.type) {
    case TensorType::Q4_0:
        return forEachTile<Q8Tile<TensorType::Q4_0>::Of>(panel, nb, xq, xqStride, nTokens, out, outStride);
    case TensorType::Q4_1:
        return forEachTile<Q8Tile<TensorType::Q4_1>::Of>(panel, nb, xq, xqStride, nTokens, out, outStride);
    case TensorType::Q5_0:
        return forEachTile<Q8Tile<TensorType::Q5_0>::Of>(panel, nb, xq, xqStride, nTokens, out, outStride);
    case TensorType::Q5_1:
        return forEachTile<Q8Tile<TensorType::Q5_1>::Of>(panel, nb, xq, xqStride, nTokens, out, outStride);
    case TensorType::IQ4_NL:
        return forEachTile<Q8Tile<TensorType::IQ4_NL>::Of>(panel, nb, xq, xqStride, nTokens, out, outStride);
    default:
        return forEachTile<Q8Tile<TensorType::Q8_0>::Of>(panel, nb, xq, xqStride, nTokens, out, outStride);
    }
}

void panelDotQ8KAvx512(const PackedMatrix& m, uint32_t p, const BlockQ8K* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    const uint32_t nb = m.cols / 256;
    const uint8_t* panel = m.panel(p);
    switch (m.type) {
    case TensorType::Q4_K:
        return forEachTile<NibbleKTile<TensorType::Q4_K>::Of>(
            panel, nb, xq, xqStride, nTokens, out, outStride);
    case TensorType::Q5_K:
        return forEachTile<NibbleKTile<TensorType::Q5_K>::Of>(
            panel, nb, xq, xqStride, nTokens, out, outStride);
    case TensorType::IQ4_XS:
        return forEachTile<NibbleKTile<TensorType::IQ4_XS>::Of>(
            panel, nb, xq, xqStride, nTokens, out, outStride);
    default:
        return forEachTile<Q6_KTile>(panel, nb, xq, xqStride, nTokens, out, outStride);
    }
}

} // namespace hearth::cpu

#else // not x86-64: never called (simdLevel() is Portable)

#include "util/result.h"

namespace hearth::cpu {
void panelDotQ8Avx512(const PackedMatrix&, uint32_t, const BlockQ8x*, size_t, uint32_t, float*, size_t)
{
    HEARTH_CHECK(!"panelDotQ8Avx512 on a CPU without AVX-512");
}
void panelDotQ8KAvx512(const PackedMatrix&, uint32_t, const BlockQ8K*, size_t, uint32_t, float*, size_t)
{
    HEARTH_CHECK(!"panelDotQ8KAvx512 on a CPU without AVX-512");
}
} // namespace hearth::cpu
#endif
