// The integer-dot-product decode path (products_q8.h) against its CPU twins: quantize_q8 (plain and
// with the RMSNorm fused in) against a quantizer written here, and mul_mat_vec_q8 for every type it
// runs against the product in double of the dequantized weights and the *same* quantized
// activations, so the tolerance only covers float rounding — and a wrong scale fails it.
#include "quant/dequant.h"
#include "shared_data.h"
#include "vk_harness.h"
#include "vk_test_data.h"
#include "vulkan/ops.h"
#include "vulkan/products_q8.h"
#include "vulkan/vulkan_model.h"

#include <QTest>
#include <cmath>
#include <cstring>

using namespace hearth;
using namespace hearth::vk;
using namespace hearth::test;

Q_DECLARE_METATYPE(hearth::TensorType)

namespace {

// Quantized activations on the host: values[t][k], and per unit of 32 its d and d * sum(q).
struct Q8 {
    uint32_t cols = 0, tokens = 0;
    std::vector<int8_t> values;
    std::vector<float> d, dSum;

    // Each value times its unit's d: what the device's products see.
    std::vector<float> dequantized() const
    {
        std::vector<float> x(values.size());
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = float(values[i]) * d[i / 32];
        return x;
    }
    // The device layout (q8_activations.glsl): per token 32 bytes per unit, then the (d, d * sum) pairs.
    std::vector<uint8_t> deviceBytes() const
    {
        const uint32_t units = cols / 32, stride = q8Stride(cols) * 16;
        std::vector<uint8_t> bytes(size_t(tokens) * stride);
        for (uint32_t t = 0; t < tokens; ++t) {
            uint8_t* block = bytes.data() + size_t(t) * stride;
            std::memcpy(block, values.data() + size_t(t) * cols, cols);
            for (uint32_t u = 0; u < units; ++u) {
                const float pair[2] = { d[t * units + u], dSum[t * units + u] };
                std::memcpy(block + 32 * units + 8 * u, pair, 8);
            }
        }
        return bytes;
    }
};

// The twin of quantize_q8: d = max|x| / 127, q = x / d rounded to nearest (even on ties).
Q8 quantizeQ8(const std::vector<float>& x, uint32_t cols, uint32_t tokens)
{
    Q8 q { cols, tokens, std::vector<int8_t>(x.size()), {}, {} };
    for (size_t u = 0; u < x.size() / 32; ++u) {
        float amax = 0;
        for (int k = 0; k < 32; ++k)
            amax = std::max(amax, std::fabs(x[u * 32 + k]));
        const float d = amax / 127.0f, inv = d > 0 ? 1.0f / d : 0.0f;
        int sum = 0;
        for (int k = 0; k < 32; ++k) {
            q.values[u * 32 + k] = int8_t(std::nearbyint(x[u * 32 + k] * inv));
            sum += q.values[u * 32 + k];
        }
        q.d.push_back(d);
        q.dSum.push_back(d * float(sum));
    }
    return q;
}

bool hasIntDot(VkHarness& h)
{
    return h.device->features().intDot;
}

const TensorType kTypes[] = { TensorType::Q4_0, TensorType::Q8_0, TensorType::Q4_K, TensorType::Q5_K,
    TensorType::Q6_K, TensorType::Q2_K, TensorType::Q3_K, TensorType::IQ3_S };

} // namespace

class TestVulkanQ8 : public QObject {
    Q_OBJECT

private slots:
    void quantize_data();
    void quantize();
    void product_data();
    void product();
    void cleanupTestCase();
};

void TestVulkanQ8::quantize_data()
{
    QTest::addColumn<uint32_t>("cols");
    QTest::addColumn<uint32_t>("tokens");
    QTest::addColumn<bool>("normed");
    for (bool normed : { false, true }) {
        const char* name = normed ? "normed" : "plain";
        QTest::addRow("%s-1tok-64", name) << 64u << 1u << normed;
        QTest::addRow("%s-1tok-4096", name) << 4096u << 1u << normed;
        QTest::addRow("%s-3tok-2080", name) << 2080u << 3u << normed;
        QTest::addRow("%s-7tok-14336", name) << 14336u << 7u << normed;
    }
}

void TestVulkanQ8::quantize()
{
    // x read from an offset, the tokens a row wider than cols apart (as the logits read the last
    // token); one unit all zeros (d = 0).
    QFETCH(uint32_t, cols);
    QFETCH(uint32_t, tokens);
    QFETCH(bool, normed);
    HEARTH_VK_HARNESS(h);
    const uint32_t xOffset = 8, xStride = cols + 4;
    const float eps = 1e-5f;
    std::vector<float> x = randomFloats(xOffset + size_t(tokens) * xStride, cols + tokens, 2.0f);
    std::fill_n(x.begin() + xOffset, 32, 0.0f);
    const std::vector<float> g = randomFloats(cols, 3);
    std::vector<float> packed(size_t(tokens) * cols);
    for (uint32_t t = 0; t < tokens; ++t)
        std::copy_n(x.begin() + xOffset + t * xStride, cols, packed.begin() + t * cols);
    const std::vector<float> input = normed ? rmsNormed(packed, g, cols, tokens, eps) : packed;
    const Q8 want = quantizeQ8(input, cols, tokens);

    const Buffer xb = h->upload(x), gb = h->upload(g), qb = h->zeros(size_t(tokens) * q8Stride(cols) * 16);
    const GpuMatrix weight { TensorType::F32, 1, cols, cols * 4, { { whole(gb), 0, 1 } } };
    QVERIFY(h->recorder->begin().ok());
    if (normed)
        recordNormQuantize(*h->recorder, { weight, eps }, { xb, xOffset, xStride }, cols, tokens, qb);
    else
        recordQuantize(*h->recorder, { xb, xOffset, xStride }, cols, tokens, qb);
    QVERIFY(h->recorder->submitAndWait().ok());
    const auto bytes = h->read<uint8_t>(qb, size_t(tokens) * q8Stride(cols) * 16);

    // Every value the nearest to input / d (the norm's float rounding may tip a tie either way), d as
    // the twin's, and d * sum(q) consistent with the values.
    const uint32_t units = cols / 32, stride = q8Stride(cols) * 16;
    int differing = 0;
    for (uint32_t t = 0; t < tokens; ++t)
        for (uint32_t u = 0; u < units; ++u) {
            const uint8_t* block = bytes.data() + size_t(t) * stride;
            float pair[2];
            std::memcpy(pair, block + 32 * units + 8 * u, 8);
            const float d = want.d[t * units + u];
            QVERIFY2(std::fabs(pair[0] - d) <= 1e-5f * d,
                qPrintable(QString("d %1, want %2").arg(pair[0]).arg(d)));
            int sum = 0;
            for (uint32_t k = 0; k < 32; ++k) {
                const size_t i = size_t(t) * cols + 32 * u + k;
                const int q = int8_t(block[32 * u + k]);
                sum += q;
                differing += q != want.values[i];
                const float exact = d > 0 ? input[i] / d : 0.0f;
                QVERIFY2(std::fabs(exact - float(q)) <= 0.5f + 1e-3f,
                    qPrintable(
                        QString("token %1 element %2: %3 for %4").arg(t).arg(32 * u + k).arg(q).arg(exact)));
            }
            QVERIFY(std::fabs(pair[1] - pair[0] * float(sum)) <= 1e-6f * std::fabs(pair[0]) * 32 * 127);
        }
    QVERIFY2(differing <= int(tokens * cols / 1000), qPrintable(QString("%1 values differ").arg(differing)));
    if (!normed) QCOMPARE(differing, 0);
}

void TestVulkanQ8::product_data()
{
    QTest::addColumn<TensorType>("type");
    QTest::addColumn<uint32_t>("rows"); // output rows (SwiGLU: the stacked matrix has twice as many)
    QTest::addColumn<uint32_t>("cols");
    QTest::addColumn<uint32_t>("tokens");
    QTest::addColumn<QString>("mode"); // plain, accumulate, swiglu
    QTest::addColumn<uint32_t>("pieces");
    for (TensorType type : kTypes) {
        const std::string name(typeName(type));
        // Row counts that fill no workgroup evenly; 8B's widths (4096, 14336); 1 to 7 tokens.
        QTest::addRow("%s-1tok-67x256", name.c_str()) << type << 67u << 256u << 1u << "plain" << 1u;
        QTest::addRow("%s-2tok-301x4096-accumulate", name.c_str())
            << type << 301u << 4096u << 2u << "accumulate" << 1u;
        QTest::addRow("%s-7tok-45x14336-accumulate", name.c_str())
            << type << 45u << 14336u << 7u << "accumulate" << 1u;
        QTest::addRow("%s-5tok-129x768-3pieces", name.c_str()) << type << 129u << 768u << 5u << "plain" << 3u;
        QTest::addRow("%s-1tok-97x4096-swiglu", name.c_str()) << type << 97u << 4096u << 1u << "swiglu" << 1u;
        QTest::addRow("%s-3tok-33x1536-swiglu", name.c_str()) << type << 33u << 1536u << 3u << "swiglu" << 1u;
    }
}

void TestVulkanQ8::product()
{
    QFETCH(TensorType, type);
    QFETCH(uint32_t, rows);
    QFETCH(uint32_t, cols);
    QFETCH(uint32_t, tokens);
    QFETCH(QString, mode);
    QFETCH(uint32_t, pieces);
    HEARTH_VK_HARNESS(h);
    if (!hasIntDot(*h)) QSKIP("the device has no integer dot products");
    const bool swiglu = mode == "swiglu", accumulate = mode == "accumulate";
    const uint32_t matrixRows = swiglu ? 2 * rows : rows;
    const TestMatrix w = randomMatrix(type, matrixRows, cols, matrixRows * 3 + cols);
    const Q8 x = quantizeQ8(randomFloats(size_t(tokens) * cols, cols + 7, 0.5f), cols, tokens);
    const std::vector<float> y0 = randomFloats(size_t(tokens) * rows, 29);

    // The twin: the dequantized weights times the dequantized activations, in double.
    auto reference = [&](const std::vector<float>& xs) {
        const std::vector<double> products = referenceMatmul(w.values, xs, matrixRows, cols, tokens);
        std::vector<double> ref(size_t(tokens) * rows);
        for (uint32_t t = 0; t < tokens; ++t)
            for (uint32_t r = 0; r < rows; ++r) {
                const double a = products[size_t(t) * matrixRows + r];
                ref[t * rows + r] = swiglu
                    ? a / (1 + std::exp(-a)) * products[size_t(t) * matrixRows + rows + r]
                    : a + (accumulate ? y0[t * rows + r] : 0.0);
            }
        return ref;
    };
    const std::vector<double> ref = reference(x.dequantized());

    const GpuMatrix g = uploadPieces(*h, type, w, matrixRows, cols, pieces);
    const Buffer qb = h->upload(x.deviceBytes()), yb = h->upload(y0);
    ProductPolicy policy = productPolicy(*h->device, *h->pipelines);
    QVERIFY(h->recorder->begin().ok());
    if (swiglu)
        QVERIFY(recordQ8SwigluProduct(*h->recorder, policy, g, qb, tokens, { yb, 0, rows }));
    else
        recordQ8Product(*h->recorder, policy, g, qb, tokens, { yb, 0, rows }, accumulate);
    QVERIFY(h->recorder->submitAndWait().ok());
    const std::vector<float> y = h->read<float>(yb, ref.size());
    const double err = relativeError(y, ref);
    QVERIFY2(err < 2e-6, qPrintable(QString("relative error %1").arg(err)));

    // The tolerance tells scales apart: one unit per token with its d off by 1/64 fails it.
    Q8 wrong = x;
    for (uint32_t t = 0; t < tokens; ++t)
        wrong.d[(t + 1) * (cols / 32) - 1] *= 1.0f + 1.0f / 64;
    const double wrongErr = relativeError(y, reference(wrong.dequantized()));
    QVERIFY2(wrongErr > 10 * 2e-6, qPrintable(QString("a wrong scale gives only %1").arg(wrongErr)));
}

void TestVulkanQ8::cleanupTestCase()
{
    // Under HEARTH_VULKAN_VALIDATION=1 the layers ran: they must have reported nothing.
    QVERIFY2(!validationLayerMissing(),
        "validation asked for, but its layer is not installed (vulkan-validationlayers)");
    QCOMPARE(validationMessageCount(), 0u);
}

QTEST_GUILESS_MAIN(TestVulkanQ8)
#include "test_vulkan_q8.moc"
