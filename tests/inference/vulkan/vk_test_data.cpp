#include "vk_test_data.h"

#include "quant/dequant.h"
#include "quant/quantize.h"
#include "vulkan/profiler.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace hearth::test {

std::vector<float> randomFloats(size_t n, uint32_t seed, float scale)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v)
        x = dist(rng);
    return v;
}

TestMatrix randomMatrix(TensorType type, uint32_t rows, uint32_t cols, uint32_t seed)
{
    TestMatrix m;
    const std::vector<float> src = randomFloats(size_t(rows) * cols, seed);
    const size_t rb = rowBytes(type, cols);
    m.bytes.resize(rb * rows);
    for (uint32_t r = 0; r < rows; ++r)
        quantize(type, src.data() + size_t(r) * cols, m.bytes.data() + r * rb, cols);
    m.values.resize(src.size());
    for (uint32_t r = 0; r < rows; ++r)
        dequantize(type, m.bytes.data() + r * rb, m.values.data() + size_t(r) * cols, cols);
    return m;
}

std::vector<double> referenceMatmul(
    const std::vector<float>& w, const std::vector<float>& x, uint32_t rows, uint32_t cols, uint32_t tokens)
{
    std::vector<double> y(size_t(tokens) * rows);
    for (uint32_t t = 0; t < tokens; ++t)
        for (uint32_t r = 0; r < rows; ++r) {
            double s = 0;
            for (uint32_t k = 0; k < cols; ++k)
                s += double(w[size_t(r) * cols + k]) * x[size_t(t) * cols + k];
            y[size_t(t) * rows + r] = s;
        }
    return y;
}

double relativeError(const std::vector<float>& a, const std::vector<double>& b)
{
    double diff = 0, scale = 1e-30;
    for (size_t i = 0; i < b.size(); ++i) {
        diff = std::max(diff, std::fabs(double(a[i]) - b[i]));
        scale = std::max(scale, std::fabs(b[i]));
    }
    return diff / scale;
}

std::vector<float> rmsNormed(
    const std::vector<float>& x, const std::vector<float>& weight, uint32_t cols, uint32_t tokens, float eps)
{
    std::vector<float> y(size_t(tokens) * cols);
    for (uint32_t t = 0; t < tokens; ++t) {
        double squares = 0;
        for (uint32_t k = 0; k < cols; ++k)
            squares += double(x[t * cols + k]) * x[t * cols + k];
        const double scale = 1.0 / std::sqrt(squares / cols + eps);
        for (uint32_t k = 0; k < cols; ++k)
            y[t * cols + k] = float(x[t * cols + k] * scale * weight[k]);
    }
    return y;
}

vk::GpuMatrix uploadPieces(
    VkHarness& h, TensorType type, const TestMatrix& m, uint32_t rows, uint32_t cols, uint32_t pieces)
{
    vk::GpuMatrix g;
    g.type = type;
    g.rows = rows;
    g.cols = cols;
    g.rowBytes = rowBytes(type, cols);
    for (uint32_t p = 0; p < pieces; ++p) {
        const uint32_t begin = rows * p / pieces, end = rows * (p + 1) / pieces;
        std::vector<uint8_t> bytes(m.bytes.begin() + g.rowBytes * begin, m.bytes.begin() + g.rowBytes * end);
        bytes.resize(bytes.size() + vk::kWeightPadding, 0xA5);
        const vk::Buffer b = h.upload(bytes);
        g.pieces.push_back({ whole(b), begin, end - begin });
    }
    return g;
}

void verifyAgainstTwin(VkHarness& h, const vk::Buffer& y, const std::vector<double>& ref)
{
    const double err = relativeError(h.read<float>(y, ref.size()), ref);
    QVERIFY2(err < 1e-5, qPrintable(QString("relative error %1").arg(err)));
}

bool ranShader(VkHarness& h, std::string_view prefix)
{
    for (const auto& [name, entry] : h.recorder->profiler()->totals())
        if (name.starts_with(prefix)) return true;
    return false;
}

RopeErrors ropeStoreErrors(const std::vector<float>& qkv, uint32_t tokens, uint32_t startPos, uint32_t qDim,
    uint32_t kvDim, uint32_t headDim, float base, const std::vector<float>& factors,
    const std::vector<float>& q, const std::vector<uint16_t>& k, const std::vector<uint16_t>& v)
{
    const uint32_t width = qDim + 2 * kvDim;
    RopeErrors e;
    for (uint32_t t = 0; t < tokens; ++t) {
        const uint32_t pos = startPos + t;
        for (uint32_t j = 0; j < width; j += 2) {
            const double a = qkv[t * width + j], b = qkv[t * width + j + 1];
            double ra = a, rb = b;
            if (j < qDim + kvDim) {
                const uint32_t i = (j % headDim) / 2;
                const double theta = pos * std::pow(double(base), -2.0 * i / headDim) / factors[i];
                ra = a * std::cos(theta) - b * std::sin(theta);
                rb = a * std::sin(theta) + b * std::cos(theta);
            }
            if (j < qDim) {
                e.q = std::max({ e.q, std::fabs(q[t * qDim + j] - ra), std::fabs(q[t * qDim + j + 1] - rb) });
            } else if (j < qDim + kvDim) {
                const size_t c = size_t(pos) * kvDim + j - qDim;
                e.k = std::max({ e.k, std::fabs(f16ToF32(k[c]) - ra), std::fabs(f16ToF32(k[c + 1]) - rb) });
            } else {
                const size_t c = size_t(pos) * kvDim + j - qDim - kvDim;
                e.v = std::max({ e.v, std::fabs(f16ToF32(v[c]) - ra), std::fabs(f16ToF32(v[c + 1]) - rb) });
            }
        }
    }
    return e;
}

std::vector<float> testRopeFactors(uint32_t headDim)
{
    std::vector<float> factors(headDim / 2);
    for (uint32_t i = 0; i < headDim / 2; ++i)
        factors[i] = 1.0f + float(i % 5);
    return factors;
}

} // namespace hearth::test
