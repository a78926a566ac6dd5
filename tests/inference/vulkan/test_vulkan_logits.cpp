// The Vulkan backend against llama.cpp: for every model in ../shared/testdata/models, the logits of
// the reference prompt at every position within the tolerance of ../shared/README.md, teacher-forced
// greedy agreement through the one-token decode path, and the same logits when every matrix is split
// into many small storage-buffer pieces.
#include "gguf/gguf.h"
#include "logit_compare.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "shared_data.h"
#include "vulkan/device.h"
#include "vulkan/vulkan_backend.h"
#include "vulkan/vulkan_model.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>

using namespace hearth;

namespace {

using test::compareLogits;
using test::Comparison;
using test::Tolerance;
using test::toleranceFor;

std::vector<int32_t> intArray(const QJsonValue& value)
{
    std::vector<int32_t> out;
    for (const QJsonValue& v : value.toArray())
        out.push_back(int32_t(v.toInt()));
    return out;
}

struct Loaded {
    std::unique_ptr<GgufFile> file;
    LlamaConfig config;
    std::unique_ptr<Backend> backend;
    TensorType matrixType = TensorType::F32;
};

// Opens a model and creates the Vulkan backend; sets *why and returns false on failure.
bool load(const QString& path, uint32_t context, uint64_t splitLimit, Loaded* out, QString* why,
    bool* noDevice, uint32_t maxBatch = 512, bool gpuShaderChoices = false, bool intDot = false)
{
    auto file = GgufFile::open(path.toStdString());
    if (!file) {
        *why = QString::fromStdString(file.error().message);
        return false;
    }
    auto config = LlamaConfig::fromGguf(**file);
    if (!config) {
        *why = QString::fromStdString(config.error().message);
        return false;
    }
    auto weights = LlamaWeights::bind(**file, *config);
    if (!weights) {
        *why = QString::fromStdString(weights.error().message);
        return false;
    }
    VulkanOptions options;
    options.contextLength = context;
    options.storageBufferLimitOverride = splitLimit;
    options.maxBatch = maxBatch;
    options.gpuShaderChoices = gpuShaderChoices;
    options.intDotProducts = intDot;
    auto backend = createVulkanBackend(**file, *weights, *config, options);
    if (!backend) {
        *noDevice = backend.error().code == ErrorCode::NoDevice;
        *why = QString::fromStdString(backend.error().message);
        return false;
    }
    out->matrixType = weights->layers[0].wq.type;
    out->file = std::move(*file);
    out->config = *config;
    out->backend = std::move(*backend);
    return true;
}

} // namespace

// A shared model opened and bound, for tests that create backends themselves.
struct BoundModel {
    std::unique_ptr<GgufFile> file;
    LlamaConfig config;
    std::unique_ptr<LlamaWeights> weights;
};

bool bindModel(const QString& model, BoundModel* out)
{
    auto file = GgufFile::open(test::testdata("models/" + model + ".gguf").toStdString());
    if (!file) return false;
    auto config = LlamaConfig::fromGguf(**file);
    if (!config) return false;
    auto weights = LlamaWeights::bind(**file, *config);
    if (!weights) return false;
    out->file = std::move(*file);
    out->config = *config;
    out->weights = std::make_unique<LlamaWeights>(std::move(*weights));
    return true;
}

// llama.cpp's reference for a shared model: the prompt and the logits at every prompt position.
struct Reference {
    QJsonObject json;
    std::vector<int32_t> prompt;
    std::vector<float> logits;
};

Reference readReference(const QString& model)
{
    Reference r;
    r.json = QJsonDocument::fromJson(test::readFile(test::testdata("reference/llamacpp/" + model + ".json")))
                 .object();
    r.prompt = intArray(r.json["prompt_tokens"]);
    r.logits = test::readF32(test::testdata("reference/llamacpp/" + model + ".logits.f32"));
    return r;
}

class TestVulkanLogits : public QObject {
    Q_OBJECT

private slots:
    void logits_data();
    void logits();
    void splitPieces();
    void gpuDecodePath();
    void intDotDecodePath_data();
    void intDotDecodePath();
    void pipelineCache();
    void submitFailures();
    void contextTooLarge();
    void contextFittedToMemory();
    void cleanupTestCase();
};

void TestVulkanLogits::logits_data()
{
    QTest::addColumn<QString>("model");
    const QStringList models
        = QDir(test::testdata("models")).entryList({ "*.gguf" }, QDir::Files, QDir::Name);
    QVERIFY(!models.isEmpty());
    for (const QString& m : models)
        QTest::newRow(qPrintable(m.chopped(5))) << m.chopped(5);
}

void TestVulkanLogits::logits()
{
    QFETCH(QString, model);
    const Reference ref = readReference(model);
    const std::vector<int32_t>& prompt = ref.prompt;
    const std::vector<int32_t> greedy = intArray(ref.json["greedy_tokens"]);
    const QJsonArray gaps = ref.json["greedy_top2_gaps"].toArray();
    const std::vector<float>& refLogits = ref.logits;
    QVERIFY(!prompt.empty() && !greedy.empty());

    Loaded m;
    QString why;
    bool noDevice = false;
    const bool loaded = load(test::testdata("models/" + model + ".gguf"),
        uint32_t(prompt.size() + greedy.size() + 8), 0, &m, &why, &noDevice);
    if (test::modelsWithUnsupportedTypes(test::TestBackend::Vulkan).contains(model)) {
        QVERIFY2(!loaded, "a model listed as holding unsupported types loaded; take it off the list");
        QVERIFY2(test::isUnsupportedTypeRefusal(test::TestBackend::Vulkan, why), qPrintable(why));
        return;
    }
    if (!loaded) {
        if (noDevice && !test::vulkanRequired()) QSKIP(qPrintable("no Vulkan device: " + why));
        QFAIL(qPrintable(why));
    }
    const uint32_t vocab = m.backend->vocabSize();
    QCOMPARE(refLogits.size(), prompt.size() * vocab);

    // The prompt in one batch, logits at every position.
    std::vector<float> logits(prompt.size() * vocab);
    const Status s = m.backend->forward(prompt, 0, logits);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    const Comparison c = compareLogits(logits.data(), refLogits.data(), prompt.size(), vocab);
    const Tolerance tol = toleranceFor(m.matrixType);
    qInfo("%s: max diff %.2e, mean KL %.2e, max KL %.2e", qPrintable(model), c.maxDiff, c.meanKl, c.maxKl);
    QVERIFY2(c.maxDiff <= tol.maxDiff,
        qPrintable(QString("normalized max diff %1 > %2").arg(c.maxDiff).arg(tol.maxDiff)));
    QVERIFY2(c.meanKl <= tol.meanKl, qPrintable(QString("mean KL %1 > %2").arg(c.meanKl).arg(tol.meanKl)));
    QVERIFY2(c.maxKl <= tol.maxKl, qPrintable(QString("max KL %1 > %2").arg(c.maxKl).arg(tol.maxKl)));

    // Teacher-forced greedy through the decode path: token i predicts greedy[i + 1].
    const float* last = logits.data() + (prompt.size() - 1) * vocab;
    std::vector<float> step(vocab);
    int disagreements = 0;
    for (size_t i = 0; i < greedy.size(); ++i) {
        const float* l = i == 0 ? last : step.data();
        const int32_t argmax = int32_t(std::max_element(l, l + vocab) - l);
        if (argmax != greedy[i] && gaps[int(i)].toDouble() > 0.5) {
            qWarning("step %zu: argmax %d, reference %d (gap %.3f)", i, argmax, greedy[i],
                gaps[int(i)].toDouble());
            ++disagreements;
        }
        if (i + 1 < greedy.size()) {
            const Status d = m.backend->forward(std::span(&greedy[i], 1), uint32_t(prompt.size() + i), step);
            QVERIFY2(d.ok(), d.ok() ? "" : d.error().message.c_str());
        }
    }
    QCOMPARE(disagreements, 0);
}

void TestVulkanLogits::splitPieces()
{
    // Every matrix of the tiny Q4_K_M model split into pieces of at most 64 KiB (as an 8B model's
    // embedding is on lavapipe), and the prompt run in batches of 5 tokens: the logits must not change
    // beyond rounding. The whole prompt goes through the tiled product and the 5-token batches through
    // the mat-vec one, which sum in another order (~2e-5 of the logit range here); a wrong row offset
    // in a piece moves the logits by O(1). The split one is also checked against llama.cpp. Then a few
    // decode steps, where each piece's product binds only its rows of the output and the pieces run
    // without barriers between them.
    const QString model = "tiny-llama31-q4_k_m";
    const Reference ref = readReference(model);
    const std::vector<int32_t>& prompt = ref.prompt;
    const std::vector<float>& refLogits = ref.logits;
    Loaded whole, split;
    QString why;
    bool noDevice = false;
    const QString path = test::testdata("models/" + model + ".gguf");
    const std::vector<int32_t> decoded = { 100, 2000, 3000 };
    const uint32_t context = uint32_t(prompt.size() + decoded.size());
    if (!load(path, context, 0, &whole, &why, &noDevice)) {
        if (noDevice && !test::vulkanRequired()) QSKIP(qPrintable("no Vulkan device: " + why));
        QFAIL(qPrintable(why));
    }
    QVERIFY2(load(path, context, 64 << 10, &split, &why, &noDevice, 5), qPrintable(why));
    const uint32_t vocab = whole.backend->vocabSize();
    std::vector<float> a(prompt.size() * vocab), b(prompt.size() * vocab);
    const Status sa = whole.backend->forward(prompt, 0, a);
    QVERIFY2(sa.ok(), sa.ok() ? "" : sa.error().message.c_str());
    const Status sb = split.backend->forward(prompt, 0, b);
    QVERIFY2(sb.ok(), sb.ok() ? "" : sb.error().message.c_str());
    const Comparison same = compareLogits(b.data(), a.data(), prompt.size(), vocab);
    QVERIFY2(same.maxDiff < 1e-4, qPrintable(QString("split changed the logits by %1").arg(same.maxDiff)));
    const Comparison c = compareLogits(b.data(), refLogits.data(), prompt.size(), vocab);
    QVERIFY(c.maxDiff <= toleranceFor(TensorType::Q4_K).maxDiff);

    std::vector<float> stepA(vocab), stepB(vocab);
    for (size_t i = 0; i < decoded.size(); ++i) {
        const uint32_t pos = uint32_t(prompt.size() + i);
        QVERIFY(whole.backend->forward(std::span(&decoded[i], 1), pos, stepA).ok());
        QVERIFY(split.backend->forward(std::span(&decoded[i], 1), pos, stepB).ok());
        const Comparison step = compareLogits(stepB.data(), stepA.data(), 1, vocab);
        QVERIFY2(step.maxDiff < 1e-4,
            qPrintable(QString("split changed step %1's logits by %2").arg(i).arg(step.maxDiff)));
    }
}

// The prompt fed one token at a time through the decode path a GPU takes, run here on whatever device
// there is (lavapipe in CI, which would otherwise take its CPU shaders); the logits at every position
// against llama.cpp's.
void checkGpuDecodePath(const QString& model, bool intDot)
{
    const Reference ref = readReference(model);
    const std::vector<int32_t>& prompt = ref.prompt;
    const std::vector<float>& refLogits = ref.logits;
    Loaded m;
    QString why;
    bool noDevice = false;
    if (!load(test::testdata("models/" + model + ".gguf"), uint32_t(prompt.size()), 0, &m, &why, &noDevice,
            512, true, intDot)) {
        if (noDevice && !test::vulkanRequired()) QSKIP(qPrintable("no Vulkan device: " + why));
        QFAIL(qPrintable(why));
    }
    const uint32_t vocab = m.backend->vocabSize();
    std::vector<float> logits(prompt.size() * vocab);
    const bool profiled = startVulkanProfile(*m.backend); // to see which shaders ran
    for (size_t i = 0; i < prompt.size(); ++i) {
        const Status s = m.backend->forward(
            std::span(&prompt[i], 1), uint32_t(i), std::span(logits).subspan(i * vocab, vocab));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    }
    if (auto* vulkan = dynamic_cast<vk::VulkanBackend*>(m.backend.get()))
        qInfo("decode step: %u dispatches", vulkan->lastDispatchCount());
    if (profiled) {
        // Float matrices have no integer-dot-product shader: they keep the float path, and nothing is
        // quantized for them.
        const bool quantized = m.matrixType != TensorType::F32 && m.matrixType != TensorType::F16
            && m.matrixType != TensorType::BF16;
        const std::string shaders = vulkanProfileTable(*m.backend);
        QVERIFY2(
            (shaders.find("mul_mat_vec_q8_") != std::string::npos) == (intDot && quantized), shaders.c_str());
        QVERIFY2(
            (shaders.find("quantize_q8") != std::string::npos) == (intDot && quantized), shaders.c_str());
        // Both paths take RoPE and the cache store inside the q|k|v product: no rope_store step.
        QVERIFY2(shaders.find("rope_store") == std::string::npos, shaders.c_str());
        QVERIFY2((shaders.find("mul_mat_vec_q8_rope_") != std::string::npos) == (intDot && quantized),
            shaders.c_str());
    }
    const Comparison c = compareLogits(logits.data(), refLogits.data(), prompt.size(), vocab);
    const Tolerance tol = toleranceFor(m.matrixType);
    qInfo("%s, one token at a time%s: max diff %.2e, mean KL %.2e, max KL %.2e", qPrintable(model),
        intDot ? ", integer dot products" : "", c.maxDiff, c.meanKl, c.maxKl);
    QVERIFY2(c.maxDiff <= tol.maxDiff,
        qPrintable(QString("normalized max diff %1 > %2").arg(c.maxDiff).arg(tol.maxDiff)));
    QVERIFY2(c.meanKl <= tol.meanKl, qPrintable(QString("mean KL %1 > %2").arg(c.meanKl).arg(tol.meanKl)));
    QVERIFY2(c.maxKl <= tol.maxKl, qPrintable(QString("max KL %1 > %2").arg(c.maxKl).arg(tol.maxKl)));
}

void TestVulkanLogits::gpuDecodePath()
{
    // RMSNorm fused into the products, attention split 32 ways over the context and joined, the step
    // recorded once and submitted again.
    checkGpuDecodePath("small-llama31-q4_k_m", false);
}

void TestVulkanLogits::intDotDecodePath_data()
{
    QTest::addColumn<QString>("model");
    for (const char* model :
        { "small-llama31-q4_k_m", "tiny-llama31-q4_0", "tiny-llama31-q8_0", "tiny-llama31-q5_k_m",
            "tiny-llama31-f16", "tiny-llama31-q2_k", "tiny-llama31-q3_k_m", "tiny-llama31-iq3_s" })
        QTest::newRow(model) << QString(model);
}

void TestVulkanLogits::intDotDecodePath()
{
    // The same with integer dot products (products_q8.h): each product's input quantized to int8
    // units (the RMSNorm fused into that), as llama.cpp's CPU reference quantizes it for these types.
    QFETCH(QString, model);
    checkGpuDecodePath(model, true);
}

void TestVulkanLogits::pipelineCache()
{
    // The compiled pipelines are saved to the cache file after the first forward pass, and a model
    // loads and computes the same logits from that file, and from a corrupt one (which the driver's
    // header check rejects: it only costs a recompile).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string cachePath = (dir.path() + "/vulkan-pipelines.bin").toStdString();
    BoundModel m;
    QVERIFY(bindModel("stories260K", &m));
    VulkanOptions options;
    options.contextLength = 16;
    options.pipelineCachePath = cachePath;
    const std::vector<int32_t> tokens = { 1, 400, 30, 200 };
    auto run = [&](std::vector<float>* logits) -> QString {
        auto backend = createVulkanBackend(*m.file, *m.weights, m.config, options);
        if (!backend) return QString::fromStdString(backend.error().message);
        logits->assign(tokens.size() * (*backend)->vocabSize(), 0.0f);
        const Status s = (*backend)->forward(tokens, 0, *logits);
        return s.ok() ? QString() : QString::fromStdString(s.error().message);
    };
    std::vector<float> first, second, third;
    const QString why = run(&first);
    if (!why.isEmpty() && !test::vulkanRequired() && listVulkanDevices().empty()) QSKIP("no Vulkan device");
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QFileInfo saved(QString::fromStdString(cachePath));
    QVERIFY2(saved.exists() && saved.size() > 0, "no pipeline cache was written");
    QVERIFY2(run(&second).isEmpty(), "loading with the saved cache failed");
    QCOMPARE(second, first);
    {
        QFile corrupt(QString::fromStdString(cachePath));
        QVERIFY(corrupt.open(QIODevice::WriteOnly | QIODevice::Truncate));
        corrupt.write(QByteArray(4096, 'x'));
    }
    QVERIFY2(run(&third).isEmpty(), "a corrupt cache file stopped the model from loading");
    QCOMPARE(third, first);
}

void TestVulkanLogits::submitFailures()
{
    // What the driver reports mid-generation reaches the caller as the right error (the engine turns
    // DeviceLost into a restart, OutOfMemory into a failed reply), and the backend stays usable after
    // running out of memory: the same step then gives the logits it gives without the failure. A lost
    // device fails every later step until the model is loaded again, which then works.
    BoundModel m;
    QVERIFY(bindModel("stories260K", &m));
    VulkanOptions options;
    options.contextLength = 16;
    const std::vector<int32_t> prompt = { 1, 400, 30, 200 };
    const int32_t next = 50;
    auto load = [&]() -> std::unique_ptr<Backend> {
        auto backend = createVulkanBackend(*m.file, *m.weights, m.config, options);
        return backend ? std::move(*backend) : nullptr;
    };
    std::unique_ptr<Backend> backend = load();
    if (!backend && !test::vulkanRequired() && listVulkanDevices().empty()) QSKIP("no Vulkan device");
    QVERIFY(backend);
    const uint32_t vocab = backend->vocabSize();
    std::vector<float> promptLogits(vocab), stepLogits(vocab), retried(vocab);
    QVERIFY(backend->forward(prompt, 0, promptLogits).ok());
    QVERIFY(backend->forward(std::span(&next, 1), uint32_t(prompt.size()), stepLogits).ok());

    // Out of device memory in a decode step: an OutOfMemory error, then the step works.
    QVERIFY(failNextVulkanSubmit(*backend, VulkanFault::OutOfDeviceMemory));
    Status s = backend->forward(std::span(&next, 1), uint32_t(prompt.size()), retried);
    QVERIFY(!s.ok());
    QCOMPARE(int(s.error().code), int(ErrorCode::OutOfMemory));
    QVERIFY2(
        backend->forward(std::span(&next, 1), uint32_t(prompt.size()), retried).ok(), "no step after OOM");
    QCOMPARE(retried, stepLogits);

    // A lost device: DeviceLost now and for every later step, with what to do.
    QVERIFY(failNextVulkanSubmit(*backend, VulkanFault::DeviceLost));
    s = backend->forward(prompt, 0, retried);
    QVERIFY(!s.ok());
    QCOMPARE(int(s.error().code), int(ErrorCode::DeviceLost));
    s = backend->forward(std::span(&next, 1), uint32_t(prompt.size()), retried);
    QVERIFY(!s.ok());
    QCOMPARE(int(s.error().code), int(ErrorCode::DeviceLost));
    QVERIFY2(s.error().message.find("reload") != std::string::npos, s.error().message.c_str());

    // Loading again gives a working backend with the same logits.
    backend = load();
    QVERIFY(backend);
    QVERIFY(backend->forward(prompt, 0, retried).ok());
    QCOMPARE(retried, promptLogits);
}

void TestVulkanLogits::contextTooLarge()
{
    // A context whose KV cache cannot fit the device: refused before any allocation with how much is
    // needed and available and a context that fits; the same model then loads with that context.
    BoundModel m;
    QVERIFY(bindModel("stories260K", &m));
    VulkanOptions options;
    options.contextLength = 4000000000u;
    auto refused = createVulkanBackend(*m.file, *m.weights, m.config, options);
    if (!refused && refused.error().code == ErrorCode::NoDevice && !test::vulkanRequired())
        QSKIP("no Vulkan device");
    QVERIFY2(!refused.ok(), "a 4-billion-token context was accepted");
    QCOMPARE(int(refused.error().code), int(ErrorCode::OutOfMemory));
    const std::string message = refused.error().message;
    QVERIFY2(message.find("MiB of device memory") != std::string::npos
            && message.find(" has ") != std::string::npos,
        message.c_str());
    const size_t hint = message.find("try a context of ");
    QVERIFY2(hint != std::string::npos, message.c_str());
    options.contextLength
        = uint32_t(std::min<unsigned long long>(std::stoull(message.substr(hint + 17)), 4096));
    QVERIFY(options.contextLength > 0);
    auto loaded = createVulkanBackend(*m.file, *m.weights, m.config, options);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
}

void TestVulkanLogits::contextFittedToMemory()
{
    // With fitContext, a context too large for the device's memory (pretended: the model plus 1000
    // positions of KV cache) becomes the largest multiple of 256 that estimateVulkanMemory says fits,
    // and the backend runs with it.
    BoundModel m;
    QVERIFY(bindModel("stories260K", &m));
    VulkanOptions options;
    options.contextLength = 4096;
    options.deviceMemoryOverride = estimateVulkanMemory(*m.file, m.config, 1000);
    auto refused = createVulkanBackend(*m.file, *m.weights, m.config, options);
    if (!refused && refused.error().code == ErrorCode::NoDevice && !test::vulkanRequired())
        QSKIP("no Vulkan device");
    QVERIFY(!refused.ok());
    QCOMPARE(int(refused.error().code), int(ErrorCode::OutOfMemory));
    QVERIFY2(refused.error().message.find("try a context of 768 tokens") != std::string::npos,
        refused.error().message.c_str());

    options.fitContext = true;
    options.fitContextAtLeast = 1024; // more than fits: refused as without fitContext
    auto tooSmall = createVulkanBackend(*m.file, *m.weights, m.config, options);
    QVERIFY(!tooSmall.ok());
    QCOMPARE(int(tooSmall.error().code), int(ErrorCode::OutOfMemory));
    options.fitContextAtLeast = 256;
    auto fitted = createVulkanBackend(*m.file, *m.weights, m.config, options);
    QVERIFY2(fitted.ok(), fitted.ok() ? "" : fitted.error().message.c_str());
    uint32_t largest = 0;
    for (uint32_t c = 256; estimateVulkanMemory(*m.file, m.config, c) <= options.deviceMemoryOverride;
         c += 256)
        largest = c;
    QCOMPARE((*fitted)->contextLength(), largest);
    std::vector<float> logits(m.config.vocabSize);
    const std::vector<int32_t> prompt { 1, 403, 407 };
    QVERIFY((*fitted)->forward(prompt, 0, logits).ok());
    QVERIFY(std::isfinite(logits[0]));

    // Memory that cannot even hold the weights: no context fits, and the error says to use the CPU.
    options.deviceMemoryOverride = estimateVulkanMemory(*m.file, m.config, 0) / 2;
    auto none = createVulkanBackend(*m.file, *m.weights, m.config, options);
    QVERIFY(!none.ok());
    QVERIFY2(
        none.error().message.find("use the CPU backend") != std::string::npos, none.error().message.c_str());
}

void TestVulkanLogits::cleanupTestCase()
{
    QVERIFY2(!vk::validationLayerMissing(),
        "validation asked for, but its layer is not installed (vulkan-validationlayers)");
    QCOMPARE(vk::validationMessageCount(), 0u);
}

QTEST_GUILESS_MAIN(TestVulkanLogits)
#include "test_vulkan_logits.moc"
