// The panel kernels in portable C++ (the reference the SIMD ones are tested against) and the
// dispatch to the AVX-512 VNNI and AVX2 ones. The integer sums are those of dot_panel_avx512.cpp and
// dot_panel_avx2.cpp, and the float steps the same fused multiply-adds, so they agree to the last bit.
#include "cpu/cpu_features.h"
#include "cpu/panel_layout.h"
#include "quant/float_convert.h"
#include "util/result.h"

#include <cmath>
#include <cstring>

namespace hearth::cpu {

namespace {

float halfAt(const uint8_t* p, uint32_t i)
{
    return halfToFloat(loadU16(p + 2 * size_t(i)));
}

// Quant e (0..31) of row r in one block of a 32-element type's panel, as the kernels multiply it:
// unsigned, its fifth bit added, through the IQ4 table.
int quantQ8Block(TensorType type, const uint8_t* q, uint32_t r, uint32_t e)
{
    if (type == TensorType::Q8_0) return q[64 * (e / 4) + 4 * r + e % 4];
    const Q8PanelFormat f = q8PanelFormat(type);
    const uint32_t high = e / 16, j = e % 16;
    const uint8_t byte = q[64 * (j / 4) + 4 * r + j % 4];
    int v = high ? byte >> 4 : byte & 0x0f;
    if (f.fifthBit) v |= ((q[4 * 64 + 4 * r + j % 4] >> (j / 4 + 4 * high)) & 1) << 4;
    return f.table ? kIq4nlBiased.values[v] : v;
}

} // namespace

void panelDotQ8Portable(const PackedMatrix& m, uint32_t p, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    const uint32_t nb = m.cols / 32;
    const Q8PanelFormat f = q8PanelFormat(m.type);
    const uint8_t* panel = m.panel(p);
    const uint8_t* side = panel + size_t(nb) * f.quantBytes;
    for (uint32_t t = 0; t < nTokens; ++t) {
        float acc[kPanelRows] = {};
        for (uint32_t b = 0; b < nb; ++b) {
            const BlockQ8x& y = xq[t * xqStride + b];
            const uint8_t* q = panel + size_t(b) * f.quantBytes;
            const uint8_t* s = side + size_t(b) * f.sideBytes();
            for (uint32_t r = 0; r < kPanelRows; ++r) {
                int32_t isum = -f.offset * y.sum;
                for (uint32_t e = 0; e < 32; ++e)
                    isum += quantQ8Block(m.type, q, r, e) * y.qs[e];
                acc[r] = std::fma(float(isum), halfAt(s, r) * y.d, acc[r]);
                if (f.min) acc[r] = std::fma(float(y.sum), halfAt(s + kPanelScaleBytes, r) * y.d, acc[r]);
            }
        }
        for (uint32_t r = 0; r < kPanelRows; ++r)
            out[t * outStride + r] = acc[r];
    }
}

namespace {

// Σ q·y over sub-block s (32 elements) of row r in Q4_K's chunk order, q the nibble with Q5_K's fifth
// bit (qh, else null) or IQ4_XS's table byte.
int32_t nibbleSubBlockSum(
    const uint8_t* qs, const uint8_t* qh, bool table, uint32_t r, uint32_t s, const int8_t* yq)
{
    const uint32_t c = s / 2, high = s % 2;
    int32_t part = 0;
    for (uint32_t g = 0; g < 8; ++g)
        for (uint32_t i = 0; i < 4; ++i) {
            const uint8_t byte = qs[512 * c + 64 * g + 4 * r + i];
            int q = high ? byte >> 4 : byte & 0x0f;
            if (qh) q |= ((qh[64 * g + 4 * r + i] >> s) & 1) << 4;
            if (table) q = kIq4nlBiased.values[q];
            part += q * yq[64 * c + 32 * high + 4 * g + i];
        }
    return part;
}

// Q4_K/Q5_K: the sum over one super-block of row r, d * Σ scale·(q·y) − dmin * Σ min·sum(y), in integers.
void q45kSums(const uint8_t* qs, const uint8_t* qh, const uint8_t* side, uint32_t r, const BlockQ8K& y,
    int32_t& dots, int32_t& mins)
{
    dots = mins = 0;
    for (uint32_t s = 0; s < 8; ++s) {
        dots += int32_t(side[kQ4_KSideScales + kPanelRows * s + r])
            * nibbleSubBlockSum(qs, qh, false, r, s, y.qs);
        mins += int32_t(side[kQ4_KSideMins + 2 * (kPanelRows * (s / 2) + r) + s % 2]) * y.sums[s];
    }
}

// IQ4_XS: Σ scale·((q + 128)·y − 128·sum(y)) over one super-block of row r.
int32_t iq4xsSum(const uint8_t* qs, const uint8_t* side, uint32_t r, const BlockQ8K& y)
{
    int32_t sum = 0;
    for (uint32_t s = 0; s < 8; ++s)
        sum += int32_t(int8_t(side[kIQ4_XSSideScales + kPanelRows * s + r]))
            * (nibbleSubBlockSum(qs, nullptr, true, r, s, y.qs) - 128 * y.sums[s]);
    return sum;
}

// Q6_K: Σ scale·((q − 32)·y) over one super-block of row r, in integers.
int32_t q6kSum(const uint8_t* ql, const uint8_t* qh, const uint8_t* side, uint32_t r, const BlockQ8K& y)
{
    int32_t parts[16] = {};
    for (uint32_t n = 0; n < 2; ++n)
        for (uint32_t g = 0; g < 8; ++g)
            for (uint32_t i = 0; i < 4; ++i) {
                const uint8_t a = ql[1024 * n + 128 * g + 4 * r + i],
                              b = ql[1024 * n + 128 * g + 64 + 4 * r + i];
                const uint8_t h = qh[512 * n + 64 * g + 4 * r + i];
                const int q[4] = { (a & 15) | ((h & 3) << 4), (b & 15) | (((h >> 2) & 3) << 4),
                    (a >> 4) | (((h >> 4) & 3) << 4), (b >> 4) | ((h >> 6) << 4) };
                for (uint32_t k = 0; k < 4; ++k) {
                    const uint32_t e = 128 * n + 32 * k + 4 * g + i;
                    parts[e / 16] += q[k] * y.qs[e];
                }
            }
    int32_t sum = 0;
    for (uint32_t s = 0; s < 16; ++s)
        sum += int32_t(int8_t(side[kQ6_KSideScales + kPanelRows * s + r])) * (parts[s] - 32 * y.halfSums[s]);
    return sum;
}

} // namespace

void panelDotQ8KPortable(const PackedMatrix& m, uint32_t p, const BlockQ8K* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    const uint32_t nb = m.cols / 256;
    const uint8_t* panel = m.panel(p);
    for (uint32_t t = 0; t < nTokens; ++t) {
        float acc[kPanelRows] = {};
        for (uint32_t b = 0; b < nb; ++b) {
            const BlockQ8K& y = xq[t * xqStride + b];
            for (uint32_t r = 0; r < kPanelRows; ++r) {
                if (m.type == TensorType::Q4_K || m.type == TensorType::Q5_K) {
                    const size_t quantBytes = m.type == TensorType::Q5_K ? kQ5_KPanelQs : kQ4_KPanelQs;
                    const uint8_t* qs = panel + size_t(b) * quantBytes;
                    const uint8_t* side = panel + size_t(nb) * quantBytes + size_t(b) * kQ4_KPanelSide;
                    int32_t dots, mins;
                    q45kSums(
                        qs, m.type == TensorType::Q5_K ? qs + kQ4_KPanelQs : nullptr, side, r, y, dots, mins);
                    acc[r] = std::fma(float(dots), halfAt(side + kQ4_KSideD, r) * y.d, acc[r]);
                    acc[r] = std::fma(-float(mins), halfAt(side + kQ4_KSideDmin, r) * y.d, acc[r]);
                } else if (m.type == TensorType::IQ4_XS) {
                    const uint8_t* side = panel + size_t(nb) * kQ4_KPanelQs + size_t(b) * kIQ4_XSPanelSide;
                    const int32_t sum = iq4xsSum(panel + size_t(b) * kQ4_KPanelQs, side, r, y);
                    acc[r] = std::fma(float(sum), halfAt(side + kIQ4_XSSideD, r) * y.d, acc[r]);
                } else {
                    const uint8_t* ql = panel + size_t(b) * kQ6_KPanelQl;
                    const uint8_t* qh = panel + size_t(nb) * kQ6_KPanelQl + size_t(b) * kQ6_KPanelQh;
                    const uint8_t* side
                        = panel + size_t(nb) * (kQ6_KPanelQl + kQ6_KPanelQh) + size_t(b) * kQ6_KPanelSide;
                    const int32_t sum = q6kSum(ql, qh, side, r, y);
                    acc[r] = std::fma(float(sum), halfAt(side + kQ6_KSideD, r) * y.d, acc[r]);
                }
            }
        }
        for (uint32_t r = 0; r < kPanelRows; ++r)
            out[t * outStride + r] = acc[r];
    }
}

void panelDotQ8(const PackedMatrix& m, uint32_t p, const BlockQ8x* xq, size_t xqStride, uint32_t nTokens,
    float* out, size_t outStride)
{
    HEARTH_CHECK(isQ8PanelType(m.type));
    if (simdLevel() == SimdLevel::Avx512Vnni)
        return panelDotQ8Avx512(m, p, xq, xqStride, nTokens, out, outStride);
    if (simdLevel() == SimdLevel::Avx2) return panelDotQ8Avx2(m, p, xq, xqStride, nTokens, out, outStride);
    panelDotQ8Portable(m, p, xq, xqStride, nTokens, out, outStride);
}

void panelDotQ8K(const PackedMatrix& m, uint32_t p, const BlockQ8K* xq, size_t xqStride, uint32_t nTokens,
    float* out, size_t outStride)
{
    HEARTH_CHECK(hasPanelLayout(m.type) && !isQ8PanelType(m.type));
    if (simdLevel() == SimdLevel::Avx512Vnni)
        return panelDotQ8KAvx512(m, p, xq, xqStride, nTokens, out, outStride);
    if (simdLevel() == SimdLevel::Avx2) return panelDotQ8KAvx2(m, p, xq, xqStride, nTokens, out, outStride);
    panelDotQ8KPortable(m, p, xq, xqStride, nTokens, out, outStride);
}

} // namespace hearth::cpu
