// K-quant reference quantizers (Q4_K, Q5_K, Q6_K): our own code following the algorithm of
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

// Scale and (negated) min for one sub-block of `n` values quantized to 0..nmax, minimising the
// weighted absolute error over a small sweep of candidate scales (ggml's make_qkx2_quants with
// use_mad = false, i.e. squared error).
float fitScaleMin(int n, int nmax, const float* x, const float* weights, uint8_t* L, float* theMin,
    uint8_t* Laux, float rmin, float rdelta, int nstep)
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
        float diff = scale * L[i] + min - x[i];
        diff = diff * diff;
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
                float diff = thisScale * Laux[i] + thisMin - x[i];
                diff = diff * diff;
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

} // namespace

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
