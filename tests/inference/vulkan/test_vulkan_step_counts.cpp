// The decode step's counts (vulkanDecodeStepCounts, step_counts.cpp), which the benchmarks print: its
// dispatches are the plan's, its barriers lie between one and one per dispatch (plus the host's), and
// the bytes it reads are set against the model file's own sizes: every weight matrix exactly once (a
// matrix read twice, or the whole embedding table gathered, would show) and the KV cache rows in use.
#include "gguf/gguf.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "shared_data.h"
#include "vulkan/forward_plan.h"
#include "vulkan/vulkan_backend.h"
#include "vulkan/vulkan_model.h"

#include <QTest>

using namespace hearth;
using namespace hearth::vk;

class TestVulkanStepCounts : public QObject {
    Q_OBJECT

private slots:
    void decodeStep_data();
    void decodeStep();
};

void TestVulkanStepCounts::decodeStep_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("gpu");
    QTest::addColumn<bool>("intDot");
    QTest::addColumn<quint64>("split");
    // A K-quant mix with its own output matrix, a tied embedding (read whole by the logits and one row
    // by the embedding); this device's shaders and a GPU's; matrices in one piece and split.
    for (const char* model : { "tiny-llama31-q4_k_m", "tiny-llama32-tied-q8_0" })
        for (int choice = 0; choice < 3; ++choice)
            for (quint64 split : { quint64(0), quint64(65536) })
                QTest::addRow("%s %s%s", model,
                    choice == 0       ? "this device"
                        : choice == 1 ? "gpu"
                                      : "gpu int dot",
                    split ? ", split" : "")
                    << model << (choice > 0) << (choice == 2) << split;
}

void TestVulkanStepCounts::decodeStep()
{
    QFETCH(QString, model);
    QFETCH(bool, gpu);
    QFETCH(bool, intDot);
    QFETCH(quint64, split);
    auto file = GgufFile::open(test::testdata("models/" + model + ".gguf").toStdString());
    QVERIFY(bool(file));
    auto config = LlamaConfig::fromGguf(**file);
    QVERIFY(bool(config));
    auto weights = LlamaWeights::bind(**file, *config);
    QVERIFY(bool(weights));
    VulkanOptions options;
    options.contextLength = 64;
    options.storageBufferLimitOverride = split;
    options.gpuShaderChoices = gpu;
    options.intDotProducts = intDot;
    auto backend = createVulkanBackend(**file, *weights, *config, options);
    if (!backend) {
        if (backend.error().code == ErrorCode::NoDevice && !test::vulkanRequired())
            QSKIP(backend.error().message.c_str());
        QFAIL(backend.error().message.c_str());
    }
    auto* vulkan = dynamic_cast<VulkanBackend*>(backend->get());
    QVERIFY(vulkan);
    QVERIFY(!vulkanDecodeStepCounts(**backend, 0)); // no decode step recorded yet

    // A prompt of 8, then decode steps at 8..12 (recorded once, submitted again).
    const uint32_t vocab = vulkan->vocabSize();
    std::vector<int32_t> prompt(8, 1);
    std::vector<float> logits(vocab);
    QVERIFY(vulkan->forward(prompt, 0, logits).ok());
    const uint32_t last = 12;
    for (uint32_t pos = 8; pos <= last; ++pos) {
        const int32_t token = int32_t(pos);
        QVERIFY(vulkan->forward(std::span(&token, 1), pos, logits).ok());
    }
    const std::optional<VulkanStepCounts> counts = vulkanDecodeStepCounts(**backend, last);
    QVERIFY(counts);

    const ForwardPlans& plans = vulkan->plans();
    const size_t planned = plannedDispatches(plans.forTokens(1), &plans.forTokens(1)).size();
    QCOMPARE(size_t(counts->dispatches), planned);
    QVERIFY(counts->barriers >= 1 && counts->barriers <= counts->dispatches + 1);
    // Weights: the file's matrices each once. A dispatch may read a vector again (a norm fused into each
    // of several products, the RoPE factors in every layer) and the padding after a piece, no more.
    const uint64_t ideal = decodeWeightBytes(*weights);
    const uint64_t perDispatchSlack = kWeightPadding + config->dim * sizeof(float);
    QVERIFY2(
        counts->weightBytes >= ideal && counts->weightBytes <= ideal + counts->dispatches * perDispatchSlack,
        qPrintable(
            QString("read %1 bytes of weights, the file holds %2").arg(counts->weightBytes).arg(ideal)));
    // The KV cache: each layer's keys and values at positions 0..last, once.
    QCOMPARE(counts->kvBytes, decodeKvBytes(*config, last));
    QCOMPARE(vulkanDecodeStepCounts(**backend, 0)->kvBytes, decodeKvBytes(*config, 0));
}

QTEST_GUILESS_MAIN(TestVulkanStepCounts)
#include "test_vulkan_step_counts.moc"
