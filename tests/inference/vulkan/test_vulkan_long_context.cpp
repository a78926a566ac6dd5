// Decode after 4,096 positions of context, the Vulkan backend against the CPU backend, for every decode
// variant the kernel tuner may choose (tuner_questions.h): each candidate of its decode questions
// (attention's splits, the mat-vec layouts, integer dot products or float), from a CPU device's
// defaults and from a GPU's (so lavapipe runs a GPU's candidates too). A deterministic prompt of 4,096
// tokens is prefilled once on each backend; every variant then decodes positions 4,096..4,099 over the
// same KV cache, and its logits must be within the tolerance of ../shared/README.md of the CPU's.
#include "cpu/cpu_backend.h"
#include "gguf/gguf.h"
#include "logit_compare.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "shared_data.h"
#include "vulkan/device.h"
#include "vulkan/vulkan_backend.h"
#include "vulkan/vulkan_model.h"

#include <QTest>
#include <algorithm>
#include <cmath>

using namespace hearth;

namespace {

// One weight type (Q8_0) throughout: one mat-vec question, so the variants compile quickly on lavapipe.
const QString kModel = "tiny-llama31-q8_0";
constexpr uint32_t kPromptTokens = 4096;
constexpr uint32_t kDecodeTokens = 4;
constexpr uint32_t kContext = kPromptTokens + kDecodeTokens;
constexpr int32_t kBos = 3840; // the shared models' vocabulary (../shared/README.md)
constexpr uint32_t kOrdinaryTokens = 3840;

// BOS, then tokens from a fixed linear congruential sequence: the same on every run and machine.
std::vector<int32_t> deterministicTokens(uint32_t count, uint32_t seed)
{
    std::vector<int32_t> out;
    uint32_t state = seed;
    for (uint32_t i = 0; i < count; ++i) {
        state = state * 1664525u + 1013904223u;
        out.push_back(int32_t((state >> 8) % kOrdinaryTokens));
    }
    return out;
}

struct DecodeVariant {
    QString name; // "gpu decode attention splits=16"
    vk::KernelConfig config;
};

} // namespace

class TestVulkanLongContext : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void prefillMatchesCpu();
    void decodeMatchesCpu_data();
    void decodeMatchesCpu();
    void cleanupTestCase();

private:
    // Empty when `logits` (positions x vocab) are within the tolerance of the CPU's; else why not.
    QString againstCpu(const std::vector<float>& logits, const std::vector<float>& cpu, const QString& what);

    std::unique_ptr<GgufFile> m_file;
    LlamaConfig m_config;
    std::unique_ptr<LlamaWeights> m_weights;
    std::vector<int32_t> m_prompt, m_decode;
    std::vector<float> m_cpuPrefill, m_cpuDecode; // the prompt's last position; each decode position
    std::unique_ptr<Backend> m_vulkan;
    std::vector<float> m_vulkanPrefill;
    std::vector<DecodeVariant> m_variants;
    std::vector<float> m_firstVariant; // the first variant's decode logits, to show how far each differs
};

void TestVulkanLongContext::initTestCase()
{
    auto file = GgufFile::open(test::testdata("models/" + kModel + ".gguf").toStdString());
    QVERIFY(file);
    auto config = LlamaConfig::fromGguf(**file);
    QVERIFY(config);
    auto weights = LlamaWeights::bind(**file, *config);
    QVERIFY(weights);
    m_file = std::move(*file);
    m_config = *config;
    m_weights = std::make_unique<LlamaWeights>(std::move(*weights));
    qInfo("%s: trained context %u, run at %u", qPrintable(kModel), m_config.trainedContext, kContext);
    if (listVulkanDevices().empty()) {
        if (!test::vulkanRequired()) QSKIP("no Vulkan device");
        QFAIL("HEARTH_REQUIRE_VULKAN=1 and no Vulkan device");
    }
    m_prompt = deterministicTokens(kPromptTokens, 17);
    m_prompt[0] = kBos;
    m_decode = deterministicTokens(kDecodeTokens, 91);
    const uint32_t vocab = m_config.vocabSize;

    // The reference: the CPU backend, prefilled once and decoded one token at a time.
    CpuOptions cpuOptions;
    cpuOptions.contextLength = kContext;
    auto cpu = createCpuBackend(*m_weights, m_config, cpuOptions);
    QVERIFY2(cpu, cpu ? "" : cpu.error().message.c_str());
    m_cpuPrefill.resize(vocab);
    Status s = (*cpu)->forward(m_prompt, 0, m_cpuPrefill);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    m_cpuDecode.resize(size_t(kDecodeTokens) * vocab);
    for (uint32_t i = 0; i < kDecodeTokens; ++i) {
        s = (*cpu)->forward(std::span(&m_decode[i], 1), kPromptTokens + i,
            std::span(m_cpuDecode).subspan(size_t(i) * vocab, vocab));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    }

    // The Vulkan backend, prefilled once with the device's defaults; the variants share its KV cache.
    VulkanOptions options;
    options.contextLength = kContext;
    auto vulkan = createVulkanBackend(*m_file, *m_weights, m_config, options);
    QVERIFY2(vulkan, vulkan ? "" : vulkan.error().message.c_str());
    m_vulkan = std::move(*vulkan);
    m_vulkanPrefill.resize(vocab);
    s = m_vulkan->forward(m_prompt, 0, m_vulkanPrefill);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());

    // Every candidate of the tuner's decode questions, each applied to the defaults it starts from: a
    // CPU device's and a GPU's (the same on a GPU: kept once).
    auto& backend = dynamic_cast<vk::VulkanBackend&>(*m_vulkan);
    for (bool gpuShaders : { false, true }) {
        const vk::KernelConfig base = backend.defaultConfig(gpuShaders);
        for (const vk::TuningQuestion& q : backend.tuningQuestionsFrom(base)) {
            if (q.name.rfind("decode ", 0) != 0) continue; // the prefill tile: not a decode variant
            for (const vk::TuningCandidate& candidate : q.candidates) {
                vk::KernelConfig config = base;
                candidate.apply(config);
                const bool seen = std::any_of(m_variants.begin(), m_variants.end(),
                    [&](const DecodeVariant& v) { return v.config == config; });
                if (!seen)
                    m_variants.push_back(
                        { QString::fromStdString((gpuShaders ? "gpu " : "") + q.name + " " + candidate.name),
                            config });
            }
        }
    }
    QVERIFY(!m_variants.empty());
}

QString TestVulkanLongContext::againstCpu(
    const std::vector<float>& logits, const std::vector<float>& cpu, const QString& what)
{
    const uint32_t vocab = m_config.vocabSize;
    const test::Comparison c = test::compareLogits(logits.data(), cpu.data(), cpu.size() / vocab, vocab);
    const test::Tolerance tol = test::toleranceFor(m_weights->layers[0].wq.type);
    qInfo("%s: max diff %.2e, mean KL %.2e, max KL %.2e", qPrintable(what), c.maxDiff, c.meanKl, c.maxKl);
    if (c.maxDiff <= tol.maxDiff && c.meanKl <= tol.meanKl && c.maxKl <= tol.maxKl) return {};
    return QString("%1 outside the tolerance: max diff %2, mean KL %3, max KL %4")
        .arg(what)
        .arg(c.maxDiff)
        .arg(c.meanKl)
        .arg(c.maxKl);
}

void TestVulkanLongContext::prefillMatchesCpu()
{
    const QString failure = againstCpu(m_vulkanPrefill, m_cpuPrefill, "prefill, position 4095");
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestVulkanLongContext::decodeMatchesCpu_data()
{
    QTest::addColumn<int>("variant");
    for (size_t i = 0; i < m_variants.size(); ++i)
        QTest::newRow(qPrintable(m_variants[i].name)) << int(i);
}

void TestVulkanLongContext::decodeMatchesCpu()
{
    QFETCH(int, variant);
    const DecodeVariant& v = m_variants[size_t(variant)];
    auto& backend = dynamic_cast<vk::VulkanBackend&>(*m_vulkan);
    Status s = backend.useKernelConfig(v.config);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    const uint32_t vocab = m_config.vocabSize;
    std::vector<float> logits(size_t(kDecodeTokens) * vocab);
    for (uint32_t i = 0; i < kDecodeTokens; ++i) {
        s = backend.forward(std::span(&m_decode[i], 1), kPromptTokens + i,
            std::span(logits).subspan(size_t(i) * vocab, vocab));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    }
    if (m_firstVariant.empty()) m_firstVariant = logits;
    float fromFirst = 0;
    for (size_t i = 0; i < logits.size(); ++i)
        fromFirst = std::max(fromFirst, std::abs(logits[i] - m_firstVariant[i]));
    qInfo("largest difference from the first variant's logits: %.2e", fromFirst);
    const QString failure = againstCpu(logits, m_cpuDecode,
        v.name + " (" + QString::fromStdString(vk::describeKernelConfig(v.config))
            + "), positions 4096..4099");
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestVulkanLongContext::cleanupTestCase()
{
    m_vulkan.reset();
    QVERIFY2(!vk::validationLayerMissing(), "validation asked for, but its layer is not installed");
    QCOMPARE(vk::validationMessageCount(), 0u);
}

QTEST_GUILESS_MAIN(TestVulkanLongContext)
#include "test_vulkan_long_context.moc"
