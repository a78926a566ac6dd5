// K-quant reference quantizers (Q2_K, Q3_K, Q4_K, Q5_K, Q6_K): our own code following the algorithm of
// ggml-quants.c step for step, with the same float operations in the same order, because a
// different rounding anywhere changes a quant and the file is then no longer llama.cpp's.
#include "quant/blocks.h"
#include "quant/dequant_block.h"
#include "quant/float_convert.h"
#include "quant/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hearth {

namespace {

constexpr float kGroupMaxEps = 1e-15f;

// Round to nearest (ties to even) by adding 1.5 * 2^23 and reading the mantissa, as ggml's
// nearest_int; valid for |value| < 2^22, which every caller guarantees by construction.
int nearestInt(float value)
{
    const float shifted = value + 12582912.f;
    int32_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    return (bits & 0x007fffff) - 0x00400000;
}

uint16_t halfBits(float value)
{
    return floatToHalf(value);
}

// The weighted error of one value: absolute (Q2_K) or squared (Q4_K, Q5_K).
float pointError(float diff, bool useMad)
{
    return useMad ? std::fabs(diff) : diff * diff;
}

// Scale and (negated) min for one sub-block of `n` values quantized to 0..nmax, minimising the
// weighted error over a small sweep of candidate scales (ggml's make_qkx2_quants; `useMad` picks
// absolute instead of squared error).
float fitScaleMin(int n, int nmax, const float* x, const float* weights, uint8_t* L, float* theMin,
    uint8_t* Laux, float rmin, float rdelta, int nstep, bool useMad = false)
{
    // Range and weighted sums of the sub-block; the min is never above zero.
    float min = x[0], max = x[0];
    float sumW = weights[0];
    float sumX = sumW * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        const float w = weights[i];
        sumW += w;
        sumX += w * x[i];
    }
    if (min > 0) min = 0;
    if (max == min) {
        for (int i = 0; i < n; ++i)
            L[i] = 0;
        *theMin = -min;
        return 0.f;
    }
    // Starting point: the full range mapped onto 0..nmax.
    float iscale = nmax / (max - min);
    float scale = 1 / iscale;
    float bestError = 0;
    for (int i = 0; i < n; ++i) {
        const int l = nearestInt(iscale * (x[i] - min));
        L[i] = static_cast<uint8_t>(std::max(0, std::min(nmax, l)));
        const float diff = pointError(scale * L[i] + min - x[i], useMad);
        bestError += weights[i] * diff;
    }
    // Sweep: for each candidate scale, re-round and solve the weighted least squares for scale and min.
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * is + nmax) / (max - min);
        float sumL = 0, sumL2 = 0, sumXL = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * (x[i] - min));
            l = std::max(0, std::min(nmax, l));
            Laux[i] = static_cast<uint8_t>(l);
            const float w = weights[i];
            sumL += w * l;
            sumL2 += w * l * l;
            sumXL += w * l * x[i];
        }
        const float D = sumW * sumL2 - sumL * sumL;
        if (D > 0) {
            float thisScale = (sumW * sumXL - sumX * sumL) / D;
            float thisMin = (sumL2 * sumX - sumL * sumXL) / D;
            if (thisMin > 0) {
                thisMin = 0;
                thisScale = sumXL / sumL2;
            }
            float error = 0;
            for (int i = 0; i < n; ++i) {
                const float diff = pointError(thisScale * Laux[i] + thisMin - x[i], useMad);
                error += weights[i] * diff;
            }
            if (error < bestError) {
                for (int i = 0; i < n; ++i)
                    L[i] = Laux[i];
                bestError = error;
                scale = thisScale;
                min = thisMin;
            }
        }
    }
    *theMin = -min;
    return scale;
}

// Symmetric scale for `n` values quantized to -nmax..nmax-1 (stored +nmax), weighted by x², trying
// 19 scales around nmax / max (ggml's make_qx_quants with rmse_type 1 and no importance weights).
float fitScaleSymmetric(int n, int nmax, const float* x, int8_t* L)
{
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) {
            amax = ax;
            max = x[i];
        }
    }
    if (amax < kGroupMaxEps) {
        for (int i = 0; i < n; ++i)
            L[i] = 0;
        return 0.f;
    }
    float iscale = -nmax / max;
    float sumLX = 0, sumL2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = nearestInt(iscale * x[i]);
        l = std::max(-nmax, std::min(nmax - 1, l));
        L[i] = static_cast<int8_t>(l + nmax);
        const float w = x[i] * x[i];
        sumLX += w * x[i] * l;
        sumL2 += w * l * l;
    }
    float scale = sumL2 != 0.0f ? sumLX / sumL2 : 0.0f;
    float best = scale * sumLX;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        iscale = -(nmax + 0.1f * is) / max;
        sumLX = sumL2 = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * x[i]);
            l = std::max(-nmax, std::min(nmax - 1, l));
            const float w = x[i] * x[i];
            sumLX += w * x[i] * l;
            sumL2 += w * l * l;
        }
        if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
            for (int i = 0; i < n; ++i) {
                const int l = nearestInt(iscale * x[i]);
                L[i] = static_cast<int8_t>(nmax + std::max(-nmax, std::min(nmax - 1, l)));
            }
            scale = sumLX / sumL2;
            best = scale * sumLX;
        }
    }
    return scale;
}

// Packs 8 six-bit scales and mins into the 12 K-quant scale bytes (inverse of scaleMinK4).
void packScalesMins(const uint8_t* ls, const uint8_t* lm, uint8_t* scales)
{
    std::memset(scales, 0, kScaleBytesK);
    for (int j = 0; j < 8; ++j) {
        if (j < 4) {
            scales[j] = ls[j];
            scales[j + 4] = lm[j];
        } else {
            scales[j + 4] = static_cast<uint8_t>((ls[j] & 0x0f) | ((lm[j] & 0x0f) << 4));
            scales[j - 4] |= static_cast<uint8_t>((ls[j] >> 4) << 6);
            scales[j] |= static_cast<uint8_t>((lm[j] >> 4) << 6);
        }
    }
}

// Shared by Q4_K and Q5_K: per 32-value sub-block scale and min, quantized to 6 bits against the
// super-block's largest; then every value re-rounded against the final (half-precision) scales.
// Writes d, dmin and the scale bytes at `block` and leaves the quants (0..nmax) in L.
void quantizeSuperBlockAffine(
    const float* x, int nmax, float rmin, float rdelta, int nstep, uint8_t* block, uint8_t* L)
{
    float mins[8], scales[8], weights[32];
    uint8_t Laux[32];
    float maxScale = 0, maxMin = 0;
    for (int j = 0; j < 8; ++j) {
        const float* xs = x + 32 * j;
        float sumX2 = 0;
        for (int l = 0; l < 32; ++l)
            sumX2 += xs[l] * xs[l];
        const float avX = std::sqrt(sumX2 / 32);
        for (int l = 0; l < 32; ++l)
            weights[l] = avX + std::fabs(xs[l]);
        scales[j] = fitScaleMin(32, nmax, xs, weights, L + 32 * j, &mins[j], Laux, rmin, rdelta, nstep);
        if (scales[j] > maxScale) maxScale = scales[j];
        if (mins[j] > maxMin) maxMin = mins[j];
    }
    const float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
    const float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
    uint8_t ls[8], lm[8];
    for (int j = 0; j < 8; ++j) {
        ls[j] = std::min<uint8_t>(63, static_cast<uint8_t>(nearestInt(invScale * scales[j])));
        lm[j] = std::min<uint8_t>(63, static_cast<uint8_t>(nearestInt(invMin * mins[j])));
    }
    const uint16_t d = halfBits(maxScale / 63.f);
    const uint16_t dmin = halfBits(maxMin / 63.f);
    std::memcpy(block, &d, 2);
    std::memcpy(block + 2, &dmin, 2);
    uint8_t* packed = block + 4;
    packScalesMins(ls, lm, packed);
    for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        scaleMinK4(j, packed, sc, m);
        const float dj = halfToFloat(d) * sc;
        if (dj == 0.0f) continue; // keeps the quants the fit chose
        const float dm = halfToFloat(dmin) * m;
        for (int i = 0; i < 32; ++i) {
            const int l = nearestInt((x[32 * j + i] + dm) / dj);
            L[32 * j + i] = static_cast<uint8_t>(std::max(0, std::min(nmax, l)));
        }
    }
}

// Symmetric scale for `n` values quantized to -nmax..nmax-1, weighted by x²: round against
// nmax / max, then move single quants while that raises the weighted fit (ggml's make_q3_quants
// with do_rmse). Leaves the quants stored +nmax in L.
float fitScaleSymmetricGreedy(int n, int nmax, const float* x, int8_t* L)
{
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) {
            amax = ax;
            max = x[i];
        }
    }
    if (amax < kGroupMaxEps) {
        for (int i = 0; i < n; ++i)
            L[i] = 0;
        return 0.f;
    }
    const float iscale = -nmax / max;
    float sumLX = 0, sumL2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = nearestInt(iscale * x[i]);
        l = std::max(-nmax, std::min(nmax - 1, l));
        L[i] = static_cast<int8_t>(l);
        const float w = x[i] * x[i];
        sumLX += w * x[i] * l;
        sumL2 += w * l * l;
    }
    // Up to 5 passes; a quant changes only when the fit sumLX² / sumL2 grows.
    for (int pass = 0; pass < 5; ++pass) {
        int changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = x[i] * x[i];
            float slx = sumLX - w * x[i] * L[i];
            if (slx <= 0) continue;
            float sl2 = sumL2 - w * L[i] * L[i];
            int l = nearestInt(x[i] * sl2 / slx);
            l = std::max(-nmax, std::min(nmax - 1, l));
            if (l == L[i]) continue;
            slx += w * x[i] * l;
            sl2 += w * l * l;
            if (sl2 > 0 && slx * slx * sumL2 > sumLX * sumLX * sl2) {
                L[i] = static_cast<int8_t>(l);
                sumLX = slx;
                sumL2 = sl2;
                ++changed;
            }
        }
        if (changed == 0) break;
    }
    for (int i = 0; i < n; ++i)
        L[i] = static_cast<int8_t>(L[i] + nmax);
    return sumL2 > 0.0f ? sumLX / sumL2 : 0.0f;
}

// Packs 256 two-bit quants: byte l of each 32-byte chunk holds values l, l+32, l+64, l+96 of its
// 128, lowest bits first (the Q2_K and Q3_K layout).
void packTwoBitQuants(const uint8_t* L, uint8_t* qs)
{
    for (int j = 0; j < kSuperBlock; j += 128)
        for (int l = 0; l < 32; ++l)
            qs[j / 4 + l] = static_cast<uint8_t>(
                L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
}

// The signed 6-bit scale j of a Q3_K block: low 4 bits in a nibble of scales[0..7], high 2 bits
// in scales[8..11].
int q3Scale(const uint8_t* scales, int j)
{
    const int low = j < 8 ? scales[j] & 0xf : scales[j - 8] >> 4;
    return (low | (((scales[8 + j % 4] >> (2 * (j / 4))) & 3) << 4)) - 32;
}

} // namespace

void quantizeQ2_K(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % kSuperBlock == 0);
    uint8_t L[kSuperBlock], Laux[16];
    float weights[16], mins[16], scales[16];
    constexpr float kFourBitMax = 15.f;
    for (size_t b = 0; b < count / kSuperBlock; ++b, src += kSuperBlock, dst += sizeof(BlockQ2_K)) {
        // Scale and min per 16 values, fitted for absolute error weighted by |x|.
        float maxScale = 0, maxMin = 0;
        for (int j = 0; j < 16; ++j) {
            for (int l = 0; l < 16; ++l)
                weights[l] = std::fabs(src[16 * j + l]);
            scales[j] = fitScaleMin(
                16, 3, src + 16 * j, weights, L + 16 * j, &mins[j], Laux, -0.5f, 0.1f, 15, true);
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }
        // Both quantized to 4 bits against the block's largest: scale low nibble, min high nibble.
        uint8_t* sc = dst;
        uint16_t d = 0, dmin = 0;
        if (maxScale > 0) {
            const float iscale = kFourBitMax / maxScale;
            for (int j = 0; j < 16; ++j)
                sc[j] = static_cast<uint8_t>(nearestInt(iscale * scales[j]));
            d = halfBits(maxScale / kFourBitMax);
        } else {
            std::memset(sc, 0, 16);
            d = halfBits(0.f);
        }
        if (maxMin > 0) {
            const float iscale = kFourBitMax / maxMin;
            for (int j = 0; j < 16; ++j)
                sc[j] = static_cast<uint8_t>(sc[j] | (nearestInt(iscale * mins[j]) << 4));
            dmin = halfBits(maxMin / kFourBitMax);
        } else {
            dmin = halfBits(0.f);
        }
        std::memcpy(dst + 80, &d, 2);
        std::memcpy(dst + 82, &dmin, 2);
        // Re-round every value against its final scale and min.
        for (int j = 0; j < 16; ++j) {
            const float dj = halfToFloat(d) * (sc[j] & 0xf);
            if (dj == 0.0f) continue;
            const float dm = halfToFloat(dmin) * (sc[j] >> 4);
            for (int i = 0; i < 16; ++i) {
                const int l = nearestInt((src[16 * j + i] + dm) / dj);
                L[16 * j + i] = static_cast<uint8_t>(std::max(0, std::min(3, l)));
            }
        }
        packTwoBitQuants(L, dst + 16);
    }
}

void quantizeQ3_K(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % kSuperBlock == 0);
    int8_t L[kSuperBlock];
    float scales[16];
    for (size_t b = 0; b < count / kSuperBlock; ++b, src += kSuperBlock, dst += sizeof(BlockQ3_K)) {
        uint8_t* hmask = dst;
        uint8_t* qs = dst + 32;
        uint8_t* sc = dst + 96;
        // A signed scale per 16 values; the one of largest magnitude sets the block scale.
        float maxScale = 0, maxAbsScale = 0;
        for (int j = 0; j < 16; ++j) {
            scales[j] = fitScaleSymmetricGreedy(16, 4, src + 16 * j, L + 16 * j);
            const float absScale = std::fabs(scales[j]);
            if (absScale > maxAbsScale) {
                maxAbsScale = absScale;
                maxScale = scales[j];
            }
        }
        // Scales to 6 bits (-32..31, stored +32): low nibbles in sc[0..7], top 2 bits in sc[8..11].
        std::memset(sc, 0, 12);
        uint16_t d = halfBits(0.f);
        if (maxScale != 0.0f) {
            const float iscale = -32.f / maxScale;
            for (int j = 0; j < 16; ++j) {
                // ggml narrows to int8 before clamping; |iscale * scale| <= 32 keeps that exact.
                const int8_t rounded = static_cast<int8_t>(nearestInt(iscale * scales[j]));
                const int l = std::max(-32, std::min(31, int(rounded))) + 32;
                if (j < 8)
                    sc[j] = static_cast<uint8_t>(l & 0xf);
                else
                    sc[j - 8] = static_cast<uint8_t>(sc[j - 8] | ((l & 0xf) << 4));
                sc[j % 4 + 8] = static_cast<uint8_t>(sc[j % 4 + 8] | ((l >> 4) << (2 * (j / 4))));
            }
            d = halfBits(1 / iscale);
        }
        std::memcpy(dst + 108, &d, 2);
        // Re-round every value against its final scale, to -4..3 stored +4.
        for (int j = 0; j < 16; ++j) {
            const float dj = halfToFloat(d) * q3Scale(sc, j);
            if (dj == 0.0f) continue;
            for (int i = 0; i < 16; ++i) {
                const int l = nearestInt(src[16 * j + i] / dj);
                L[16 * j + i] = static_cast<int8_t>(std::max(-4, std::min(3, l)) + 4);
            }
        }
        // The third bit goes to hmask: value j sets bit j / 32 of hmask[j % 32].
        std::memset(hmask, 0, 32);
        uint8_t low[kSuperBlock];
        for (int j = 0; j < kSuperBlock; ++j) {
            low[j] = static_cast<uint8_t>(L[j]);
            if (L[j] > 3) {
                hmask[j % 32] = static_cast<uint8_t>(hmask[j % 32] | (1 << (j / 32)));
                low[j] = static_cast<uint8_t>(L[j] - 4);
            }
        }
        packTwoBitQuants(low, qs);
    }
}

void quantizeQ4_K(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % kSuperBlock == 0);
    uint8_t L[kSuperBlock];
    for (size_t b = 0; b < count / kSuperBlock; ++b, src += kSuperBlock, dst += sizeof(BlockQ4_K)) {
        quantizeSuperBlockAffine(src, 15, -1.f, 0.1f, 20, dst, L);
        // Nibbles: chunk c of 64 values, low nibble = first 32, high nibble = second 32.
        uint8_t* q = dst + 16;
        for (int j = 0; j < kSuperBlock; j += 64, q += 32)
            for (int l = 0; l < 32; ++l)
                q[l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 4));
    }
}

void quantizeQ5_K(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % kSuperBlock == 0);
    uint8_t L[kSuperBlock];
    for (size_t b = 0; b < count / kSuperBlock; ++b, src += kSuperBlock, dst += sizeof(BlockQ5_K)) {
        quantizeSuperBlockAffine(src, 31, -0.5f, 0.1f, 15, dst, L);
        // Low 4 bits as in Q4_K; the fifth bit of value l of chunk c goes to bit 2c (first 32) or
        // 2c+1 (second 32) of qh[l].
        uint8_t* qh = dst + 16;
        uint8_t* ql = dst + 48;
        std::memset(qh, 0, 32);
        uint8_t m1 = 1, m2 = 2;
        for (int n = 0; n < kSuperBlock; n += 64, ql += 32, m1 <<= 2, m2 <<= 2) {
            for (int j = 0; j < 32; ++j) {
                int l1 = L[n + j], l2 = L[n + j + 32];
                if (l1 > 15) {
                    l1 -= 16;
                    qh[j] |= m1;
                }
                if (l2 > 15) {
                    l2 -= 16;
                    qh[j] |= m2;
                }
                ql[j] = static_cast<uint8_t>(l1 | (l2 << 4));
            }
        }
    }
}

void quantizeQ6_K(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % kSuperBlock == 0);
    int8_t L[kSuperBlock];
    float scales[16];
    for (size_t b = 0; b < count / kSuperBlock; ++b, src += kSuperBlock, dst += sizeof(BlockQ6_K)) {
        // A signed scale per 16 values, then the scales themselves quantized to int8 against the largest.
        float maxScale = 0, maxAbsScale = 0;
        for (int ib = 0; ib < 16; ++ib) {
            scales[ib] = fitScaleSymmetric(16, 32, src + 16 * ib, L + 16 * ib);
            const float absScale = std::fabs(scales[ib]);
            if (absScale > maxAbsScale) {
                maxAbsScale = absScale;
                maxScale = scales[ib];
            }
        }
        if (maxAbsScale < kGroupMaxEps) {
            std::memset(dst, 0, sizeof(BlockQ6_K));
            continue;
        }
        uint8_t* ql = dst;
        uint8_t* qh = dst + 128;
        auto* sc = reinterpret_cast<int8_t*>(dst + 192);
        const float iscale = -128.f / maxScale;
        const uint16_t d = halfBits(1 / iscale);
        std::memcpy(dst + 208, &d, 2);
        for (int ib = 0; ib < 16; ++ib)
            sc[ib] = static_cast<int8_t>(std::min(127, nearestInt(iscale * scales[ib])));
        // Re-round every value against its final scale.
        for (int j = 0; j < 16; ++j) {
            const float dj = halfToFloat(d) * sc[j];
            if (dj == 0.0f) continue;
            for (int i = 0; i < 16; ++i) {
                int l = nearestInt(src[16 * j + i] / dj);
                l = std::max(-32, std::min(31, l));
                L[16 * j + i] = static_cast<int8_t>(l + 32);
            }
        }
        // Low nibbles of values l, l+32, l+64, l+96 share ql[l], ql[l+32]; their top 2 bits share qh[l].
        for (int j = 0; j < kSuperBlock; j += 128, ql += 64, qh += 32) {
            for (int l = 0; l < 32; ++l) {
                const uint8_t q1 = L[j + l] & 0x0f, q2 = L[j + l + 32] & 0x0f;
                const uint8_t q3 = L[j + l + 64] & 0x0f, q4 = L[j + l + 96] & 0x0f;
                ql[l] = static_cast<uint8_t>(q1 | (q3 << 4));
                ql[l + 32] = static_cast<uint8_t>(q2 | (q4 << 4));
                qh[l] = static_cast<uint8_t>((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2)
                    | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6));
            }
        }
    }
}

} // namespace hearth
