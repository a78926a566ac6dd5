// The panel kernels on AVX2 (layouts in panel_layout.h), for CPUs without AVX-512 VNNI: the same
// 16-row panels, taken as two halves of 8 rows (a 64-byte chunk is two 32-byte halves, rows 0..7 and
// 8..15). Without vpdpbusd, a chunk meets a token's four activation bytes in vpmaddubsw (pairs of
// u8 × s8 into s16) and vpmaddwd (pairs of s16 into s32). vpmaddubsw saturates, so the s16 sums are
// only grown where they cannot overflow: Q4 nibbles over a whole 32-element block, Q6_K 6-bit quants
// over 8 elements; Q8_0's bytes take the sign trick (|q| × sign(y, q)) and go to s32 at once. The
// integer sums are those of the portable loop, the float steps the same fused multiply-adds: equal to
// the bit. Compiled with target attributes; reached only when simdLevel() is at least Avx2.
#include "cpu/panel_layout.h"
#include "cpu/simd.h"

#if defined(__x86_64__)
#include <cstring>
#include <type_traits>

namespace hearth::cpu {

namespace {

// Fewer tokens per tile than AVX-512's 8: 16 ymm registers hold a half-panel's chunks and little else.
constexpr uint32_t kTileTokens = 4;
// Decode (a tile of one or two tokens) waits on memory: ask for the quants this far ahead, as the
// AVX-512 kernels do.
constexpr size_t kPrefetchBytes = 2048;

template <int NT> HEARTH_AVX2 inline void prefetchAhead(const uint8_t* p, size_t bytes)
{
    if constexpr (NT <= 2)
        for (size_t line = 0; line < bytes; line += 64)
            _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes + line), _MM_HINT_T0);
}

HEARTH_AVX2 inline __m256i broadcast4(const int8_t* p)
{
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

HEARTH_AVX2 inline __m256i load32(const uint8_t* p)
{
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

HEARTH_AVX2 inline __m256 halves8(const uint8_t* p)
{
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// Eight u8 scales, each in both s16 halves of its row's lane: vpmaddwd against a row's two s16 partial
// sums then gives scale × (their sum).
HEARTH_AVX2 inline __m256i scalePairs(const uint8_t* p)
{
    const __m256i s = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    return _mm256_or_si256(s, _mm256_slli_epi32(s, 16));
}

// The 32-element types (Q8PanelFormat). Nibbles (≤ 15) grow in s16 over the whole block (16 products
// of ≤ 15 × 127 per lane); with their fifth bit (≤ 31) over half of it. Q8_0's bytes (stored as
// q + 128, used signed here: the sum of q·y is the portable loop's -128·sum(y) + Σ(q + 128)·y) and
// IQ4_NL's table values (kIq4nlValues, signed: the same sum as the portable loop's biased bytes) take
// the sign trick and go to s32 at once.
template <int NT, TensorType T>
HEARTH_AVX2 void tileQ8(
    const uint8_t* panel, uint32_t nb, const BlockQ8x* y, size_t ys, float* out, size_t os)
{
    constexpr Q8PanelFormat f = q8PanelFormat(T);
    constexpr bool signedBytes = T == TensorType::Q8_0 || f.table;
    const uint8_t* side = panel + size_t(nb) * f.quantBytes;
    const __m256i m4 = _mm256_set1_epi8(0x0f), bit4 = _mm256_set1_epi8(0x10),
                  bias = _mm256_set1_epi8(char(0x80)), ones = _mm256_set1_epi16(1);
    const __m256i table
        = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
    alignas(32) float acc[NT][kPanelRows] = {};
    for (uint32_t b = 0; b < nb; ++b) {
        const uint8_t* q = panel + size_t(b) * f.quantBytes;
        const uint8_t* sd = side + size_t(b) * f.sideBytes();
        prefetchAhead<NT>(q, f.quantBytes);
        for (int h = 0; h < 2; ++h) {
            __m256i w[8];
            if constexpr (T == TensorType::Q8_0) {
                for (int g = 0; g < 8; ++g)
                    w[g] = _mm256_xor_si256(load32(q + 64 * g + 32 * h), bias); // signed q
            } else {
                for (int c = 0; c < 4; ++c) {
                    const __m256i raw = load32(q + 64 * c + 32 * h);
                    w[c] = _mm256_and_si256(raw, m4);
                    w[c + 4] = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4);
                    if constexpr (f.fifthBit) {
                        const __m256i hb
                            = _mm256_srl_epi16(load32(q + 4 * 64 + 32 * h), _mm_cvtsi32_si128(c));
                        w[c] = _mm256_or_si256(w[c], _mm256_and_si256(_mm256_slli_epi16(hb, 4), bit4));
                        w[c + 4] = _mm256_or_si256(w[c + 4], _mm256_and_si256(hb, bit4));
                    }
                    if constexpr (f.table) {
                        w[c] = _mm256_shuffle_epi8(table, w[c]);
                        w[c + 4] = _mm256_shuffle_epi8(table, w[c + 4]);
                    }
                }
            }
            const __m256 dw = halves8(sd + 16 * h);
            __m256 mw = _mm256_setzero_ps();
            if constexpr (f.min) mw = halves8(sd + kPanelScaleBytes + 16 * h);
            for (int t = 0; t < NT; ++t) {
                const BlockQ8x& yb = y[t * ys + b];
                __m256i s = _mm256_set1_epi32(signedBytes ? 0 : -f.offset * yb.sum);
                if constexpr (signedBytes) {
                    for (int g = 0; g < 8; ++g) {
                        const __m256i p = _mm256_maddubs_epi16(
                            _mm256_abs_epi8(w[g]), _mm256_sign_epi8(broadcast4(yb.qs + 4 * g), w[g]));
                        s = _mm256_add_epi32(s, _mm256_madd_epi16(p, ones));
                    }
                } else {
                    constexpr int kRun = f.fifthBit ? 4 : 8; // chunks an s16 sum can take
                    for (int g0 = 0; g0 < 8; g0 += kRun) {
                        __m256i p = _mm256_maddubs_epi16(w[g0], broadcast4(yb.qs + 4 * g0));
                        for (int g = g0 + 1; g < g0 + kRun; ++g)
                            p = _mm256_add_epi16(p, _mm256_maddubs_epi16(w[g], broadcast4(yb.qs + 4 * g)));
                        s = _mm256_add_epi32(s, _mm256_madd_epi16(p, ones));
                    }
                }
                const __m256 dy = _mm256_set1_ps(yb.d);
                float* a = acc[t] + 8 * h;
                __m256 v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(dw, dy), _mm256_load_ps(a));
                if constexpr (f.min)
                    v = _mm256_fmadd_ps(_mm256_set1_ps(float(yb.sum)), _mm256_mul_ps(mw, dy), v);
                _mm256_store_ps(a, v);
            }
        }
    }
    for (int t = 0; t < NT; ++t)
        std::memcpy(out + t * os, acc[t], sizeof acc[t]);
}

// Q4_K, Q5_K and IQ4_XS (nibbles in Q4_K's order), per sub-block (32 elements of a row: 8 chunks).
// Q4_K's s16 sums take the whole sub-block, Q5_K's (with the fifth bit) half of it, and meet the 6-bit
// scale in vpmaddwd; the mins meet the activations' 32-sums as in the AVX-512 kernel. IQ4_XS's table
// values (signed) take the sign trick, go to s32 at once and meet the signed run scale in vpmulld.
template <int NT, TensorType T>
HEARTH_AVX2 void tileNibbleK(
    const uint8_t* panel, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    constexpr bool q5 = T == TensorType::Q5_K, iq4 = T == TensorType::IQ4_XS;
    constexpr size_t kQs = q5 ? kQ5_KPanelQs : kQ4_KPanelQs, kSide = iq4 ? kIQ4_XSPanelSide : kQ4_KPanelSide;
    const __m256i m4 = _mm256_set1_epi8(0x0f), bit4 = _mm256_set1_epi8(0x10), ones = _mm256_set1_epi16(1);
    const __m256i table
        = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
    alignas(32) float acc[NT][kPanelRows] = {};
    for (uint32_t b = 0; b < nb; ++b) {
        const uint8_t* qs = panel + size_t(b) * kQs;
        const uint8_t* side = panel + size_t(nb) * kQs + size_t(b) * kSide;
        prefetchAhead<NT>(qs, kQs);
        for (int h = 0; h < 2; ++h) {
            __m256i isum[NT];
            for (int t = 0; t < NT; ++t)
                isum[t] = _mm256_setzero_si256();
            for (int s = 0; s < 8; ++s) {
                const int c = s / 2, high = s % 2;
                __m256i w[8];
                for (int g = 0; g < 8; ++g) {
                    const __m256i raw = load32(qs + 512 * c + 64 * g + 32 * h);
                    w[g] = _mm256_and_si256(high ? _mm256_srli_epi16(raw, 4) : raw, m4);
                    if constexpr (q5) {
                        const __m256i hb = _mm256_srl_epi16(
                            load32(qs + kQ4_KPanelQs + 64 * g + 32 * h), _mm_cvtsi32_si128(s));
                        w[g] = _mm256_or_si256(w[g], _mm256_and_si256(_mm256_slli_epi16(hb, 4), bit4));
                    }
                    if constexpr (iq4) w[g] = _mm256_shuffle_epi8(table, w[g]);
                }
                if constexpr (iq4) {
                    const __m256i sc = _mm256_cvtepi8_epi32(_mm_loadl_epi64(
                        reinterpret_cast<const __m128i*>(side + kIQ4_XSSideScales + kPanelRows * s + 8 * h)));
                    for (int t = 0; t < NT; ++t) {
                        const int8_t* yq = y[t * ys + b].qs + 64 * c + 32 * high;
                        __m256i p = _mm256_setzero_si256();
                        for (int g = 0; g < 8; ++g)
                            p = _mm256_add_epi32(p,
                                _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_abs_epi8(w[g]),
                                                      _mm256_sign_epi8(broadcast4(yq + 4 * g), w[g])),
                                    ones));
                        isum[t] = _mm256_add_epi32(isum[t], _mm256_mullo_epi32(p, sc));
                    }
                } else {
                    constexpr int kRun = q5 ? 4 : 8; // chunks an s16 sum can take
                    const __m256i sc = scalePairs(side + kQ4_KSideScales + kPanelRows * s + 8 * h);
                    for (int t = 0; t < NT; ++t) {
                        const int8_t* yq = y[t * ys + b].qs + 64 * c + 32 * high;
                        for (int g0 = 0; g0 < 8; g0 += kRun) {
                            __m256i p = _mm256_maddubs_epi16(w[g0], broadcast4(yq + 4 * g0));
                            for (int g = g0 + 1; g < g0 + kRun; ++g)
                                p = _mm256_add_epi16(p, _mm256_maddubs_epi16(w[g], broadcast4(yq + 4 * g)));
                            isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(p, sc));
                        }
                    }
                }
            }
            if constexpr (iq4) {
                const __m256 d = halves8(side + kIQ4_XSSideD + 16 * h);
                for (int t = 0; t < NT; ++t) {
                    const __m256 scale = _mm256_mul_ps(d, _mm256_set1_ps(y[t * ys + b].d));
                    float* a = acc[t] + 8 * h;
                    _mm256_store_ps(
                        a, _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), scale, _mm256_load_ps(a)));
                }
                continue;
            }
            const __m256 d = halves8(side + kQ4_KSideD + 16 * h),
                         dmin = halves8(side + kQ4_KSideDmin + 16 * h);
            __m256i mins[4];
            for (int pr = 0; pr < 4; ++pr)
                mins[pr] = _mm256_cvtepu8_epi16(_mm_loadu_si128(
                    reinterpret_cast<const __m128i*>(side + kQ4_KSideMins + 32 * pr + 16 * h)));
            for (int t = 0; t < NT; ++t) {
                const BlockQ8K& yb = y[t * ys + b];
                __m256i ms = _mm256_setzero_si256();
                for (int pr = 0; pr < 4; ++pr) {
                    const uint32_t pair
                        = (uint32_t(yb.sums[2 * pr]) & 0xffff) | (uint32_t(yb.sums[2 * pr + 1]) << 16);
                    ms = _mm256_add_epi32(ms, _mm256_madd_epi16(mins[pr], _mm256_set1_epi32(int(pair))));
                }
                const __m256 dy = _mm256_set1_ps(yb.d);
                float* a = acc[t] + 8 * h;
                __m256 v = _mm256_load_ps(a);
                v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), _mm256_mul_ps(d, dy), v);
                v = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(ms), _mm256_mul_ps(dmin, dy), v);
                _mm256_store_ps(a, v);
            }
        }
    }
    for (int t = 0; t < NT; ++t)
        std::memcpy(out + t * os, acc[t], sizeof acc[t]);
}

// Q6_K: per 16-element sub-block (4 chunks of one run), two pairs of vpmaddubsw (≤ 8 products of
// ≤ 63 × 128 per s16 lane) go to s32, start at -32 × the activation sum and meet the 8-bit scale.
template <int NT>
HEARTH_AVX2 void tileQ6K(
    const uint8_t* panel, uint32_t nb, const BlockQ8K* y, size_t ys, float* out, size_t os)
{
    const __m256i m4 = _mm256_set1_epi8(0x0f), m30 = _mm256_set1_epi8(0x30), ones = _mm256_set1_epi16(1);
    alignas(32) float acc[NT][kPanelRows] = {};
    for (uint32_t b = 0; b < nb; ++b) {
        const uint8_t* ql = panel + size_t(b) * kQ6_KPanelQl;
        const uint8_t* qh = panel + size_t(nb) * kQ6_KPanelQl + size_t(b) * kQ6_KPanelQh;
        const uint8_t* side = panel + size_t(nb) * (kQ6_KPanelQl + kQ6_KPanelQh) + size_t(b) * kQ6_KPanelSide;
        prefetchAhead<NT>(ql, kQ6_KPanelQl);
        prefetchAhead<NT>(qh, kQ6_KPanelQh);
        for (int h = 0; h < 2; ++h) {
            __m256i isum[NT];
            for (int t = 0; t < NT; ++t)
                isum[t] = _mm256_setzero_si256();
            for (int n = 0; n < 2; ++n)
                for (int gq = 0; gq < 2; ++gq)
                    for (int k = 0; k < 4; ++k) {
                        __m256i w[4];
                        for (int gi = 0; gi < 4; ++gi) {
                            const int g = 4 * gq + gi;
                            const __m256i a = load32(ql + 1024 * n + 128 * g + 32 * h);
                            const __m256i bq = load32(ql + 1024 * n + 128 * g + 64 + 32 * h);
                            const __m256i hb = load32(qh + 512 * n + 64 * g + 32 * h);
                            __m256i lo, hi;
                            switch (k) {
                            case 0:
                                lo = _mm256_and_si256(a, m4);
                                hi = _mm256_slli_epi16(hb, 4);
                                break;
                            case 1:
                                lo = _mm256_and_si256(bq, m4);
                                hi = _mm256_slli_epi16(hb, 2);
                                break;
                            case 2:
                                lo = _mm256_and_si256(_mm256_srli_epi16(a, 4), m4);
                                hi = hb;
                                break;
                            default:
                                lo = _mm256_and_si256(_mm256_srli_epi16(bq, 4), m4);
                                hi = _mm256_srli_epi16(hb, 2);
                                break;
                            }
                            w[gi] = _mm256_or_si256(lo, _mm256_and_si256(hi, m30));
                        }
                        const int sub = 8 * n + 2 * k + gq;
                        const __m256i sc = _mm256_cvtepi8_epi32(_mm_loadl_epi64(
                            reinterpret_cast<const __m128i*>(side + kQ6_KSideScales + 16 * sub + 8 * h)));
                        for (int t = 0; t < NT; ++t) {
                            const BlockQ8K& yb = y[t * ys + b];
                            const int8_t* yq = yb.qs + 128 * n + 32 * k + 16 * gq;
                            const __m256i p0 = _mm256_add_epi16(_mm256_maddubs_epi16(w[0], broadcast4(yq)),
                                _mm256_maddubs_epi16(w[1], broadcast4(yq + 4)));
                            const __m256i p1
                                = _mm256_add_epi16(_mm256_maddubs_epi16(w[2], broadcast4(yq + 8)),
                                    _mm256_maddubs_epi16(w[3], broadcast4(yq + 12)));
                            __m256i s = _mm256_set1_epi32(-32 * int32_t(yb.halfSums[sub]));
                            s = _mm256_add_epi32(s,
                                _mm256_add_epi32(_mm256_madd_epi16(p0, ones), _mm256_madd_epi16(p1, ones)));
                            isum[t] = _mm256_add_epi32(isum[t], _mm256_mullo_epi32(s, sc));
                        }
                    }
            const __m256 d = halves8(side + kQ6_KSideD + 16 * h);
            for (int t = 0; t < NT; ++t) {
                const __m256 scale = _mm256_mul_ps(d, _mm256_set1_ps(y[t * ys + b].d));
                float* a = acc[t] + 8 * h;
                _mm256_store_ps(a, _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[t]), scale, _mm256_load_ps(a)));
            }
        }
    }
    for (int t = 0; t < NT; ++t)
        std::memcpy(out + t * os, acc[t], sizeof acc[t]);
}

// Tiles of 4 tokens, then one tile of the remainder.
template <typename Fn> void forEachTile(uint32_t nTokens, Fn&& tile)
{
    uint32_t t = 0;
    for (; t + kTileTokens <= nTokens; t += kTileTokens)
        tile(std::integral_constant<int, kTileTokens> {}, t);
    switch (nTokens - t) {
    case 3:
        return tile(std::integral_constant<int, 3> {}, t);
    case 2:
        return tile(std::integral_constant<int, 2> {}, t);
    case 1:
        return tile(std::integral_constant<int, 1> {}, t);
    default:
        return;
    }
}

} // namespace

void panelDotQ8Avx2(const PackedMatrix& m, uint32_t p, const BlockQ8x* xq, size_t xqStride, uint32_t nTokens,
    float* out, size_t outStride)
{
    const uint32_t nb = m.cols / 32;
    const uint8_t* panel = m.panel(p);
    auto run = [&]<TensorType T>() {
        forEachTile(nTokens, [&](auto nt, uint32_t t) {
            tileQ8<decltype(nt)::value, T>(
                panel, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
        });
    };
    switch (m.type) {
    case TensorType::Q4_0:
        return run.template operator()<TensorType::Q4_0>();
    case TensorType::Q4_1:
        return run.template operator()<TensorType::Q4_1>();
    case TensorType::Q5_0:
        return run.template operator()<TensorType::Q5_0>();
    case TensorType::Q5_1:
        return run.template operator()<TensorType::Q5_1>();
    case TensorType::IQ4_NL:
        return run.template operator()<TensorType::IQ4_NL>();
    default:
        return run.template operator()<TensorType::Q8_0>();
    }
}

void panelDotQ8KAvx2(const PackedMatrix& m, uint32_t p, const BlockQ8K* xq, size_t xqStride, uint32_t nTokens,
    float* out, size_t outStride)
{
    const uint32_t nb = m.cols / 256;
    const uint8_t* panel = m.panel(p);
    auto run = [&]<TensorType T>() {
        forEachTile(nTokens, [&](auto nt, uint32_t t) {
            const BlockQ8K* y = xq + t * xqStride;
            if constexpr (T == TensorType::Q6_K)
                tileQ6K<decltype(nt)::value>(panel, nb, y, xqStride, out + t * outStride, outStride);
            else
                tileNibbleK<decltype(nt)::value, T>(panel, nb, y, xqStride, out + t * outStride, outStride);
        });
    };
    switch (m.type) {
    case TensorType::Q4_K:
        return run.template operator()<TensorType::Q4_K>();
    case TensorType::Q5_K:
        return run.template operator()<TensorType::Q5_K>();
    case TensorType::IQ4_XS:
        return run.template operator()<TensorType::IQ4_XS>();
    default:
        return run.template operator()<TensorType::Q6_K>();
    }
}

} // namespace hearth::cpu

#else // not x86-64: never called (simdLevel() is Portable)

#include "util/result.h"

namespace hearth::cpu {
void panelDotQ8Avx2(const PackedMatrix&, uint32_t, const BlockQ8x*, size_t, uint32_t, float*, size_t)
{
    HEARTH_CHECK(!"panelDotQ8Avx2 on a CPU without AVX2");
}
void panelDotQ8KAvx2(const PackedMatrix&, uint32_t, const BlockQ8K*, size_t, uint32_t, float*, size_t)
{
    HEARTH_CHECK(!"panelDotQ8KAvx2 on a CPU without AVX2");
}
} // namespace hearth::cpu
#endif
