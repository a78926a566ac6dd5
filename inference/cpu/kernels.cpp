// The element-wise kernels of the forward pass: RMSNorm, RoPE, SwiGLU, residual add, embedding rows.
// (matmul lives in matmul.cpp, attention in attention.cpp.)
#include "cpu/kernels.h"

#include "cpu/cpu_features.h"
#include "cpu/dot.h"
#include "cpu/simd.h"
#include "quant/dequant.h"
#include "quant/float_convert.h"
#include "util/result.h"

#include <cmath>
#include <cstring>

namespace hearth {

void rmsNorm(float* out, const float* x, const float* weight, uint32_t n, uint32_t rows, float eps)
{
    for (uint32_t r = 0; r < rows; ++r, x += n, out += n) {
        // Sum of squares in double, as ggml does, so long rows lose nothing.
        double sum = 0;
        for (uint32_t i = 0; i < n; ++i)
            sum += double(x[i]) * x[i];
        const float scale = 1.0f / std::sqrt(float(sum / n) + eps);
        for (uint32_t i = 0; i < n; ++i)
            out[i] = x[i] * scale * weight[i];
    }
}

void rope(float* x, uint32_t headCount, uint32_t headDim, uint32_t pos, float freqBase, const float* factors)
{
    // Step 1: the angle of each pair, once for all heads: pos * base^(-2i/d) / factor_i.
    const uint32_t pairs = headDim / 2;
    float cosTable[512], sinTable[512];
    HEARTH_CHECK(pairs <= 512);
    for (uint32_t i = 0; i < pairs; ++i) {
        double theta = double(pos) * std::pow(double(freqBase), -2.0 * i / double(headDim));
        if (factors) theta /= double(factors[i]);
        cosTable[i] = float(std::cos(theta));
        sinTable[i] = float(std::sin(theta));
    }
    // Step 2: rotate each adjacent pair (x[2i], x[2i+1]) of every head.
    for (uint32_t h = 0; h < headCount; ++h) {
        float* v = x + size_t(h) * headDim;
        for (uint32_t i = 0; i < pairs; ++i) {
            const float x0 = v[2 * i], x1 = v[2 * i + 1];
            v[2 * i] = x0 * cosTable[i] - x1 * sinTable[i];
            v[2 * i + 1] = x0 * sinTable[i] + x1 * cosTable[i];
        }
    }
}

namespace {

#ifdef HEARTH_X86
// exp(x) for x in [-87, 88]: 2^n · e^r with n = round(x / ln 2), |r| ≤ ln 2 / 2, e^r by its Taylor
// series to r^7 (relative error ~1e-7, a float ulp or two).
HEARTH_AVX2 inline __m256 expAvx2(__m256 x)
{
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x); // ln 2 in two parts
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 5040);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    const __m256i scale
        = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(scale));
}

HEARTH_AVX2 void swigluAvx2(float* out, const float* gate, const float* up, uint32_t n)
{
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 e = expAvx2(_mm256_sub_ps(zero, g));
        _mm256_storeu_ps(
            out + i, _mm256_mul_ps(_mm256_div_ps(g, _mm256_add_ps(one, e)), _mm256_loadu_ps(up + i)));
    }
    for (; i < n; ++i)
        out[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}
#endif

} // namespace

void swiglu(float* out, const float* gate, const float* up, uint32_t n)
{
#ifdef HEARTH_X86
    if (cpu::haveAvx2()) return swigluAvx2(out, gate, up, n);
#endif
    for (uint32_t i = 0; i < n; ++i) {
        const float g = gate[i];
        out[i] = g / (1.0f + std::exp(-g)) * up[i];
    }
}

void add(float* out, const float* x, uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i)
        out[i] += x[i];
}

void embeddingLookup(const TensorView& table, int32_t token, float* out)
{
    HEARTH_CHECK(token >= 0 && uint32_t(token) < table.rows);
    dequantize(table.type, table.row(uint32_t(token)), out, table.cols);
}

void toF16(uint16_t* out, const float* x, uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i)
        out[i] = floatToHalf(x[i]);
}

bool cpuHasAvx2()
{
    return cpu::haveAvx2();
}

std::string cpuDeviceName()
{
    const cpu::SimdLevel level = cpu::simdLevel();
    if (level == cpu::SimdLevel::Portable) return "cpu";
    return std::string("cpu (") + cpu::simdLevelName(level) + ")";
}

} // namespace hearth
