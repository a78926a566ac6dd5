// Reference quantizers of Q4_1, Q5_0, Q5_1 (ggml's quantize_row_*_ref) and of IQ4_NL and IQ4_XS
// without an importance matrix (ggml's quantize_row_iq4_nl_impl): our own code, step for step with
// the same float operations in the same order, so the bytes equal llama-quantize's.
#include "quant/blocks.h"
#include "quant/float_convert.h"
#include "quant/iq_tables.h"
#include "quant/quantize.h"
#include "util/result.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace hearth {

namespace {

constexpr float kGroupMaxEps = 1e-15f;

void storeHalf(uint8_t* p, float value)
{
    const uint16_t h = floatToHalf(value);
    std::memcpy(p, &h, 2);
}

// As ggml's nearest_int: round to nearest, ties to even, for |value| < 2^22.
int nearestInt(float value)
{
    const float shifted = value + 12582912.f;
    int32_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    return (bits & 0x007fffff) - 0x00400000;
}

void minMax(const float* x, int n, float& min, float& max)
{
    min = FLT_MAX;
    max = -FLT_MAX;
    for (int j = 0; j < n; ++j) {
        min = std::min(min, x[j]);
        max = std::max(max, x[j]);
    }
}

// The value of largest magnitude, sign kept (the first one on ties, as ggml).
float signedAbsMax(const float* x, int n)
{
    float amax = 0, max = 0;
    for (int j = 0; j < n; ++j)
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    return max;
}

// Q4_1 and Q5_1: min and (max - min) / levels, then round half up (+0.5, truncate).
template <int Bits> void quantizeWithOffset(const float* src, uint8_t* dst, size_t count)
{
    constexpr size_t kBytes = Bits == 4 ? sizeof(BlockQ4_1) : sizeof(BlockQ5_1);
    for (size_t b = 0; b < count / 32; ++b, src += 32, dst += kBytes) {
        float min, max;
        minMax(src, 32, min, max);
        const float d = (max - min) / ((1 << Bits) - 1);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        storeHalf(dst, d);
        storeHalf(dst + 2, min);
        uint32_t qh = 0;
        uint8_t* qs = dst + (Bits == 4 ? 4 : 8);
        for (int j = 0; j < 16; ++j) {
            const float x0 = (src[j] - min) * id;
            const float x1 = (src[j + 16] - min) * id;
            int q0, q1;
            if constexpr (Bits == 4) {
                q0 = std::min(15, int(int8_t(x0 + 0.5f)));
                q1 = std::min(15, int(int8_t(x1 + 0.5f)));
            } else {
                q0 = uint8_t(x0 + 0.5f);
                q1 = uint8_t(x1 + 0.5f);
            }
            qs[j] = uint8_t((q0 & 0x0f) | ((q1 & 0x0f) << 4));
            qh |= uint32_t((q0 & 0x10) >> 4) << j;
            qh |= uint32_t((q1 & 0x10) >> 4) << (j + 16);
        }
        if constexpr (Bits == 5) std::memcpy(dst + 4, &qh, 4);
    }
}

// The index of the table value nearest x (the lower one on ties), by bisection as ggml's
// best_index_int8.
int nearestIq4(float x)
{
    const int8_t* v = kIq4nlValues;
    if (x <= v[0]) return 0;
    if (x >= v[15]) return 15;
    int lo = 0, hi = 15;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (x < v[mid])
            hi = mid;
        else
            lo = mid;
    }
    return x - v[hi - 1] < v[hi] - x ? hi - 1 : hi;
}

// The best scale of one run of 32 for the IQ4 table, weights x², trying 15 scales around the one
// that maps the largest magnitude onto the table's end (ggml's quantize_row_iq4_nl_impl, ntry = 7);
// writes the chosen indices to L. Zero for an all-zero run.
float iq4RunScale(const float* x, uint8_t* L)
{
    constexpr int kTries = 7;
    const int8_t* values = kIq4nlValues;
    float weight[32];
    for (int j = 0; j < 32; ++j)
        weight[j] = x[j] * x[j];
    float amax = 0, max = 0;
    for (int j = 0; j < 32; ++j)
        if (std::fabs(x[j]) > amax) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    if (amax < kGroupMaxEps) return 0;
    float d = -max / values[0];
    float id = 1 / d;
    float sumqx = 0, sumq2 = 0;
    for (int j = 0; j < 32; ++j) {
        const int l = nearestIq4(id * x[j]);
        L[j] = uint8_t(l);
        const float q = values[l];
        const float w = weight[j];
        sumqx += w * q * x[j];
        sumq2 += w * q * q;
    }
    d = sumqx / sumq2;
    float best = d * sumqx;
    for (int itry = -kTries; itry <= kTries; ++itry) {
        id = (itry + values[0]) / max;
        sumqx = sumq2 = 0;
        for (int j = 0; j < 32; ++j) {
            const float q = values[nearestIq4(id * x[j])];
            const float w = weight[j];
            sumqx += w * q * x[j];
            sumq2 += w * q * q;
        }
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            d = sumqx / sumq2;
            best = d * sumqx;
        }
    }
    return d;
}

// Nibbles as Q4_0 orders them: element j low, j + 16 high, per run of 32.
void packIq4(const uint8_t* L, int runs, uint8_t* qs)
{
    for (int r = 0; r < runs; ++r)
        for (int j = 0; j < 16; ++j)
            qs[16 * r + j] = uint8_t(L[32 * r + j] | (L[32 * r + 16 + j] << 4));
}

} // namespace

void quantizeQ4_1(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % 32 == 0);
    quantizeWithOffset<4>(src, dst, count);
}

void quantizeQ5_1(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % 32 == 0);
    quantizeWithOffset<5>(src, dst, count);
}

// Q5_0: scale = the value of largest magnitude / -16, quants round half up from q + 16.5.
void quantizeQ5_0(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % 32 == 0);
    for (size_t b = 0; b < count / 32; ++b, src += 32, dst += sizeof(BlockQ5_0)) {
        const float d = signedAbsMax(src, 32) / -16;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        storeHalf(dst, d);
        uint32_t qh = 0;
        for (int j = 0; j < 16; ++j) {
            const int q0 = std::min(31, int(int8_t(src[j] * id + 16.5f)));
            const int q1 = std::min(31, int(int8_t(src[j + 16] * id + 16.5f)));
            dst[6 + j] = uint8_t((q0 & 0x0f) | ((q1 & 0x0f) << 4));
            qh |= uint32_t((q0 & 0x10) >> 4) << j;
            qh |= uint32_t((q1 & 0x10) >> 4) << (j + 16);
        }
        std::memcpy(dst + 2, &qh, 4);
    }
}

void quantizeIQ4_NL(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % 32 == 0);
    for (size_t b = 0; b < count / 32; ++b, src += 32, dst += sizeof(BlockIQ4_NL)) {
        uint8_t L[32] = {};
        const float d = iq4RunScale(src, L);
        storeHalf(dst, d);
        // Indices again for the scale as chosen (the search kept only the best scale); an all-zero
        // run gets the index nearest 0, as ggml's.
        const float id = d != 0.0f ? 1 / d : 0.f;
        for (int j = 0; j < 32; ++j)
            L[j] = uint8_t(nearestIq4(id * src[j]));
        packIq4(L, 1, dst + 2);
    }
}

// IQ4_XS: each run's best scale, then one super-block scale (the largest run scale / -32) with
// 6-bit run scales, and the indices again for the run scales as stored.
void quantizeIQ4_XS(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % 256 == 0);
    for (size_t b = 0; b < count / 256; ++b, src += 256, dst += sizeof(BlockIQ4_XS)) {
        uint8_t L[256] = {};
        float scales[8];
        float maxScale = 0, amaxScale = 0;
        for (int r = 0; r < 8; ++r) {
            scales[r] = iq4RunScale(src + 32 * r, L + 32 * r);
            if (std::fabs(scales[r]) > amaxScale) {
                amaxScale = std::fabs(scales[r]);
                maxScale = scales[r];
            }
        }
        const float d = -maxScale / 32;
        storeHalf(dst, d);
        const float id = d != 0.0f ? 1 / d : 0.f;
        uint16_t scalesH = 0;
        uint8_t* scalesL = dst + 4;
        std::memset(scalesL, 0, 4);
        for (int r = 0; r < 8; ++r) {
            int l = std::max(-32, std::min(31, nearestInt(id * scales[r])));
            const float dl = d * l;
            const float idl = dl != 0.0f ? 1 / dl : 0.f;
            for (int j = 0; j < 32; ++j)
                L[32 * r + j] = uint8_t(nearestIq4(idl * src[32 * r + j]));
            l += 32;
            scalesL[r / 2] |= uint8_t((l & 0x0f) << (4 * (r % 2)));
            scalesH |= uint16_t((l >> 4) << (2 * r));
        }
        std::memcpy(dst + 2, &scalesH, 2);
        packIq4(L, 8, dst + 8);
    }
}

} // namespace hearth
