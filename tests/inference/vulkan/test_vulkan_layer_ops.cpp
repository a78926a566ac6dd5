// The operations without weights against their CPU twins, in double, on random inputs: RMSNorm,
// RoPE with the KV-cache store, attention (both variants), SwiGLU and the copy. The weight products:
// test_vulkan_ops.cpp.
#include "quant/dequant.h"
#include "quant/quantize.h"
#include "shared_data.h"
#include "vk_harness.h"
#include "vk_test_data.h"
#include "vulkan/attention.h"
#include "vulkan/ops.h"
#include "vulkan/vulkan_model.h"

#include <QTest>
#include <cmath>
#include <random>

using namespace hearth;
using namespace hearth::vk;
using hearth::test::VkHarness;
using namespace hearth::test;

class TestVulkanLayerOps : public QObject {
    Q_OBJECT

private slots:
    void rmsNorm_data();
    void rmsNorm();
    void ropeStore();
    void attention_data();
    void attention();
    void swiglu();
    void copy();
    void cleanupTestCase();
};

void TestVulkanLayerOps::rmsNorm_data()
{
    QTest::addColumn<uint32_t>("n");
    QTest::addColumn<uint32_t>("tokens");
    QTest::newRow("64x1") << 64u << 1u;
    QTest::newRow("172x7") << 172u << 7u;
    QTest::newRow("2048x3") << 2048u << 3u;
}

void TestVulkanLayerOps::rmsNorm()
{
    QFETCH(uint32_t, n);
    QFETCH(uint32_t, tokens);
    HEARTH_VK_HARNESS(h);
    const float eps = 1e-5f;
    const std::vector<float> x = randomFloats(size_t(n) * tokens, 1, 3.0f);
    const std::vector<float> w = randomFloats(n, 2);
    const std::vector<float> normed = rmsNormed(x, w, n, tokens, eps);
    const std::vector<double> ref(normed.begin(), normed.end());
    const Buffer xb = h->upload(x), wb = h->upload(w), yb = h->zeros(x.size() * 4);
    QVERIFY(h->recorder->begin().ok());
    h->recorder->dispatch(
        ShaderId::rms_norm, { whole(xb), whole(wb), whole(yb) }, RmsNormPush { n, 0, n, n, eps }, tokens);
    QVERIFY(h->recorder->submitAndWait().ok());
    verifyAgainstTwin(*h, yb, ref);
}

void TestVulkanLayerOps::ropeStore()
{
    // 3 tokens at positions 1000.., 4 q heads / 2 kv heads of 64, Llama 3.1-style factors.
    HEARTH_VK_HARNESS(h);
    const uint32_t tokens = 3, startPos = 1000, headDim = 64, qDim = 4 * headDim, kvDim = 2 * headDim;
    const uint32_t ctx = 1024, width = qDim + 2 * kvDim;
    const float base = 500000.0f;
    const std::vector<float> qkv = randomFloats(size_t(tokens) * width, 3);
    const std::vector<float> factors = testRopeFactors(headDim);
    const Buffer qkvb = h->upload(qkv), qb = h->zeros(tokens * qDim * 4);
    const Buffer kb = h->zeros(ctx * kvDim * 2), vb = h->zeros(ctx * kvDim * 2), fb = h->upload(factors);
    QVERIFY(h->recorder->begin().ok());
    const StepParams step { startPos };
    const Buffer sb = h->upload(&step, sizeof(step));
    const RopeStorePush push { tokens, qDim, kvDim, headDim, base, 1 };
    h->recorder->dispatch(ShaderId::rope_store,
        { whole(qkvb), whole(qb), whole(kb), whole(vb), whole(fb), whole(sb) }, push,
        ceilDiv(tokens * width / 2, kRopeGroup));
    QVERIFY(h->recorder->submitAndWait().ok());
    const RopeErrors e = ropeStoreErrors(qkv, tokens, startPos, qDim, kvDim, headDim, base, factors,
        h->read<float>(qb, tokens * qDim), h->read<uint16_t>(kb, ctx * kvDim),
        h->read<uint16_t>(vb, ctx * kvDim));
    // f32 angles at position ~1000 lose ~1e-4 rad; the cache holds f16 (3 decimal digits).
    QVERIFY2(e.q < 2e-3, qPrintable(QString("q error %1").arg(e.q)));
    QVERIFY2(e.k < 5e-3, qPrintable(QString("k error %1").arg(e.k)));
    QVERIFY2(e.v < 5e-3, qPrintable(QString("v error %1").arg(e.v)));
}

void TestVulkanLayerOps::attention_data()
{
    QTest::addColumn<uint32_t>("heads");
    QTest::addColumn<uint32_t>("kvHeads");
    QTest::addColumn<uint32_t>("headDim");
    QTest::addColumn<uint32_t>("startPos");
    QTest::addColumn<uint32_t>("tokens");
    QTest::addColumn<uint32_t>("splits");
    QTest::addColumn<bool>("narrow");
    QTest::newRow("decode-4/1x64-pos37") << 4u << 1u << 64u << 37u << 1u << 1u << false;
    QTest::newRow("decode-8/4x8-pos300") << 8u << 4u << 8u << 300u << 1u << 1u << false;
    QTest::newRow("prefill-4/1x128-5tok") << 4u << 1u << 128u << 0u << 5u << 1u << false;
    QTest::newRow("prefill-32/8x64-130tok-pos7") << 32u << 8u << 64u << 7u << 130u << 32u << false;
    QTest::newRow("decode-2/2x256-pos129") << 2u << 2u << 256u << 129u << 1u << 1u << false;
    // Split over the context (flash decoding): splits past the keys (nothing to do), a partial last
    // split, 3 tokens, 2 long splits, 32 splits.
    QTest::newRow("decode-split32-8/4x8-pos300") << 8u << 4u << 8u << 300u << 1u << 32u << false;
    QTest::newRow("decode-split32-32/8x64-pos1000") << 32u << 8u << 64u << 1000u << 1u << 32u << false;
    QTest::newRow("decode-split32-4/2x128-pos200-3tok") << 4u << 2u << 128u << 200u << 3u << 32u << false;
    QTest::newRow("decode-split2-8/8x96-pos5000") << 8u << 8u << 96u << 5000u << 1u << 2u << false;
    QTest::newRow("decode-split32-8/8x96-pos5000") << 8u << 8u << 96u << 5000u << 1u << 32u << false;
    // The narrow workgroup (CPU devices): head sizes up to 256 (several pairs per thread), one and
    // several splits, a prefill batch.
    QTest::newRow("narrow-decode-4/1x64-pos37") << 4u << 1u << 64u << 37u << 1u << 1u << true;
    QTest::newRow("narrow-decode-8/4x8-pos300") << 8u << 4u << 8u << 300u << 1u << 1u << true;
    QTest::newRow("narrow-prefill-32/8x64-130tok-pos7") << 32u << 8u << 64u << 7u << 130u << 1u << true;
    QTest::newRow("narrow-decode-split32-8/8x96-pos5000") << 8u << 8u << 96u << 5000u << 1u << 32u << true;
    QTest::newRow("narrow-decode-4/2x128-pos200-3tok") << 4u << 2u << 128u << 200u << 3u << 1u << true;
    QTest::newRow("narrow-decode-2/2x256-pos129") << 2u << 2u << 256u << 129u << 1u << 2u << true;
}

void TestVulkanLayerOps::attention()
{
    QFETCH(uint32_t, heads);
    QFETCH(uint32_t, kvHeads);
    QFETCH(uint32_t, headDim);
    QFETCH(uint32_t, startPos);
    QFETCH(uint32_t, tokens);
    QFETCH(uint32_t, splits);
    QFETCH(bool, narrow);
    HEARTH_VK_HARNESS(h);
    const uint32_t qDim = heads * headDim, kvDim = kvHeads * headDim, ctx = startPos + tokens;
    const std::vector<float> q = randomFloats(size_t(tokens) * qDim, 21, 0.5f);
    std::vector<float> kf = randomFloats(size_t(ctx) * kvDim, 22), vf = randomFloats(size_t(ctx) * kvDim, 23);
    std::vector<uint16_t> k(kf.size()), v(vf.size());
    for (size_t i = 0; i < kf.size(); ++i) {
        k[i] = f32ToF16(kf[i]);
        kf[i] = f16ToF32(k[i]);
        v[i] = f32ToF16(vf[i]);
        vf[i] = f16ToF32(v[i]);
    }
    // Twin: causal softmax(q k / sqrt(d)) v with kv head h / (heads / kvHeads).
    std::vector<double> ref(size_t(tokens) * qDim);
    for (uint32_t t = 0; t < tokens; ++t)
        for (uint32_t hd = 0; hd < heads; ++hd) {
            const uint32_t kvh = hd / (heads / kvHeads);
            const uint32_t last = startPos + t;
            std::vector<double> s(last + 1);
            double mx = -1e300;
            for (uint32_t j = 0; j <= last; ++j) {
                double d = 0;
                for (uint32_t i = 0; i < headDim; ++i)
                    d += double(q[t * qDim + hd * headDim + i]) * kf[j * kvDim + kvh * headDim + i];
                s[j] = d / std::sqrt(double(headDim));
                mx = std::max(mx, s[j]);
            }
            double sum = 0;
            for (double& x : s)
                sum += (x = std::exp(x - mx));
            for (uint32_t i = 0; i < headDim; ++i) {
                double o = 0;
                for (uint32_t j = 0; j <= last; ++j)
                    o += s[j] * vf[j * kvDim + kvh * headDim + i];
                ref[t * qDim + hd * headDim + i] = o / sum;
            }
        }
    const AttentionShape shape { heads, kvHeads, headDim };
    const Buffer qb = h->upload(q), kb = h->upload(k), vb = h->upload(v);
    const Buffer partials = h->zeros(attentionPartialsBytes(shape));
    const StepParams step { startPos };
    const Buffer sb = h->upload(&step, sizeof(step));
    // Twice, into two outputs, as consecutive layers share the partials: the second dispatch's splits
    // must find their counters reset by the first's joining workgroups (or nothing joins them).
    const Buffer outputs[2] = { h->zeros(ref.size() * 4), h->zeros(ref.size() * 4) };
    // The narrow variant reads the cache through texel views (the device's limit on their size).
    const AttentionPolicy policy { splits, narrow,
        uint64_t(h->device->properties().limits.maxTexelBufferElements) * 16 };
    h->recorder->setProfiling(true);
    QVERIFY(h->recorder->begin().ok());
    for (const Buffer& ob : outputs)
        recordAttention(*h->recorder, shape, tokens, policy, { qb, kb, vb, ob, partials, sb });
    QVERIFY(h->recorder->submitAndWait().ok());
    if (h->recorder->profiler()) QCOMPARE(ranShader(*h, "attention_narrow"), narrow);
    h->recorder->setProfiling(false);
    for (const Buffer& ob : outputs)
        verifyAgainstTwin(*h, ob, ref);
}

void TestVulkanLayerOps::swiglu()
{
    HEARTH_VK_HARNESS(h);
    const uint32_t n = 300, tokens = 3;
    const std::vector<float> gu = randomFloats(size_t(tokens) * 2 * n, 31, 2.0f);
    std::vector<double> ref(size_t(tokens) * n);
    for (uint32_t t = 0; t < tokens; ++t)
        for (uint32_t i = 0; i < n; ++i) {
            const double g = gu[t * 2 * n + i];
            ref[t * n + i] = g / (1 + std::exp(-g)) * gu[t * 2 * n + n + i];
        }
    const Buffer gb = h->upload(gu), yb = h->zeros(ref.size() * 4);
    QVERIFY(h->recorder->begin().ok());
    h->recorder->dispatch(ShaderId::swiglu, { whole(gb), whole(yb) }, SwigluPush { n, tokens },
        ceilDiv(n * tokens, kElementwiseGroup));
    QVERIFY(h->recorder->submitAndWait().ok());
    verifyAgainstTwin(*h, yb, ref);
}

void TestVulkanLayerOps::copy()
{
    HEARTH_VK_HARNESS(h);
    const std::vector<float> src = randomFloats(100003 * 4, 51);
    const Buffer sb = h->upload(src), db = h->zeros(src.size() * 4);
    QVERIFY(h->recorder->begin().ok());
    h->recorder->dispatch(
        ShaderId::copy, { whole(sb), whole(db) }, CopyPush { uint32_t(src.size() / 4) }, 64);
    QVERIFY(h->recorder->submitAndWait().ok());
    QVERIFY(h->read<float>(db, src.size()) == src);
}

void TestVulkanLayerOps::cleanupTestCase()
{
    // Under HEARTH_VULKAN_VALIDATION=1 the layers ran: they must have reported nothing.
    QVERIFY2(!validationLayerMissing(),
        "validation asked for, but its layer is not installed (vulkan-validationlayers)");
    QCOMPARE(validationMessageCount(), 0u);
}

QTEST_GUILESS_MAIN(TestVulkanLayerOps)
#include "test_vulkan_layer_ops.moc"
