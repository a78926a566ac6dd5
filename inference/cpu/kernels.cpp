// The element-wise kernels of the forward pass: RMSNorm, RoPE, SwiGLU, residual add, embedding rows.
// (matmul lives in matmul.cpp, attention in attention.cpp.)
#include "cpu/kernels.h"

#include "cpu/cpu_features.h"
#include "cpu/dot.h"
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

void swiglu(float* out, const float* gate, const float* up, uint32_t n)
{
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
