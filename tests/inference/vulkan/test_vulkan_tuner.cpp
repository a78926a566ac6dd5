// The kernel tuner (inference/vulkan/tuner.h) on whatever device is present (lavapipe in CI): it tunes
// a shared model's kernels at its shapes and chooses, per question, the fastest of the candidates
// that matched the reference; the model then decodes within llama.cpp's tolerance with the tuned
// kernels; the choices are cached, a second load takes them without timing, a cache from another
// driver version or shader build (or a corrupt one) is ignored and rewritten, and a variant that
// computes wrong results is rejected; a GPU's questions (integer dot products among them) are tuned
// on this device too. Small shapes (a context of 256, batches of 16) keep it fast.
#include "gguf/gguf.h"
#include "logit_compare.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "shared_data.h"
#include "vulkan/device.h"
#include "vulkan/vulkan_backend.h"
#include "vulkan/vulkan_model.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <map>
#include <set>

using namespace hearth;

namespace {

const QString kModel = "tiny-llama31-q4_0";

struct Model {
    QString name;
    std::unique_ptr<GgufFile> file;
    LlamaConfig config;
    std::unique_ptr<LlamaWeights> weights;
};

// A shared model, opened and bound; false when it cannot be.
bool bind(const QString& name, Model& out)
{
    auto file = GgufFile::open(test::testdata("models/" + name + ".gguf").toStdString());
    if (!file) return false;
    auto config = LlamaConfig::fromGguf(**file);
    if (!config) return false;
    auto weights = LlamaWeights::bind(**file, *config);
    if (!weights) return false;
    out = { name, std::move(*file), *config, std::make_unique<LlamaWeights>(std::move(*weights)) };
    return true;
}

} // namespace

class TestVulkanTuner : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void tuningChoosesTheFastestValidVariant();
    void tunedKernelsMatchLlamaCpp();
    void gpuChoicesTuned();
    void secondLoadTakesTheCache();
    void foreignOrCorruptCacheIsIgnored_data();
    void foreignOrCorruptCacheIsIgnored();
    void wrongVariantIsRejected();
    void spentBudgetKeepsTheDefaults();
    void cleanupTestCase();

private:
    // Loads the model with tuning on; `cachePath` empty: no cache. Null on an error (logged).
    // gpuShaders: a GPU's shaders and questions on a CPU device (VulkanOptions::gpuShaderChoices).
    std::unique_ptr<Backend> loadTuned(const QString& cachePath, bool injectWrong = false,
        int* progressCalls = nullptr, bool gpuShaders = false, const Model* model = nullptr,
        double budgetSeconds = 120);
    QString cacheCopy(const QString& name) const;
    // Empty when `backend` decodes the reference prompt within llama.cpp's tolerance; else why not.
    QString decodeAgainstLlamaCpp(Backend& backend, const Model& model, const std::string& config) const;
    bool hasIntDot() const;

    Model m_model;
    QTemporaryDir m_dir;
    QString m_firstCache; // written by the first tuning, in initTestCase
    std::unique_ptr<Backend> m_tuned;
    KernelTuningReport m_first;
    int m_firstProgressCalls = 0;
};

std::unique_ptr<Backend> TestVulkanTuner::loadTuned(const QString& cachePath, bool injectWrong,
    int* progressCalls, bool gpuShaders, const Model* model, double budgetSeconds)
{
    const Model& m = model ? *model : m_model;
    VulkanOptions options;
    options.gpuShaderChoices = gpuShaders;
    options.contextLength = 256;
    options.maxBatch = 16;
    options.tuning.enabled = true;
    options.tuning.cachePath = cachePath.toStdString();
    options.tuning.budgetSeconds = budgetSeconds; // by default every question finishes
    options.tuning.injectWrongVariant = injectWrong;
    if (progressCalls)
        options.tuning.progress = [progressCalls](float fraction, const std::string&) {
            if (fraction > 0 && fraction <= 1) ++*progressCalls;
        };
    auto backend = createVulkanBackend(*m.file, *m.weights, m.config, options);
    if (!backend) {
        const bool noDevice = backend.error().code == ErrorCode::NoDevice;
        if (noDevice && !test::vulkanRequired())
            qWarning("no Vulkan device: %s", backend.error().message.c_str());
        else
            qCritical("%s", backend.error().message.c_str());
        return nullptr;
    }
    return std::move(*backend);
}

QString TestVulkanTuner::cacheCopy(const QString& name) const
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    return QFile::copy(m_firstCache, path) ? path : QString();
}

QString TestVulkanTuner::decodeAgainstLlamaCpp(
    Backend& backend, const Model& model, const std::string& config) const
{
    // The prompt one token at a time (the decode path most tuned kernels serve), each position's
    // logits against llama.cpp's within the tolerance of ../shared/README.md.
    const QJsonObject json = QJsonDocument::fromJson(
        test::readFile(test::testdata("reference/llamacpp/" + model.name + ".json")))
                                 .object();
    std::vector<int32_t> prompt;
    for (const QJsonValue& v : json["prompt_tokens"].toArray())
        prompt.push_back(int32_t(v.toInt()));
    const std::vector<float> ref
        = test::readF32(test::testdata("reference/llamacpp/" + model.name + ".logits.f32"));
    const uint32_t vocab = backend.vocabSize();
    if (prompt.empty() || ref.size() != prompt.size() * vocab) return "no reference";
    std::vector<float> logits(prompt.size() * vocab);
    for (size_t i = 0; i < prompt.size(); ++i) {
        const Status s = backend.forward(
            std::span(&prompt[i], 1), uint32_t(i), std::span(logits).subspan(i * vocab, vocab));
        if (!s.ok()) return QString::fromStdString(s.error().message);
    }
    const test::Comparison c = test::compareLogits(logits.data(), ref.data(), prompt.size(), vocab);
    const test::Tolerance tol = test::toleranceFor(model.weights->layers[0].wq.type);
    qInfo("%s tuned (%s): max diff %.2e, mean KL %.2e, max KL %.2e", qPrintable(model.name), config.c_str(),
        c.maxDiff, c.meanKl, c.maxKl);
    if (c.maxDiff > tol.maxDiff || c.meanKl > tol.meanKl || c.maxKl > tol.maxKl)
        return QString("outside the tolerance: max diff %1, mean KL %2, max KL %3")
            .arg(c.maxDiff)
            .arg(c.meanKl)
            .arg(c.maxKl);
    return {};
}

bool TestVulkanTuner::hasIntDot() const
{
    auto device = vk::Device::create(-1);
    return device && (*device)->features().intDot;
}

void TestVulkanTuner::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(bind(kModel, m_model));
    if (listVulkanDevices().empty()) {
        if (!test::vulkanRequired()) QSKIP("no Vulkan device");
        QFAIL("HEARTH_REQUIRE_VULKAN=1 and no Vulkan device");
    }
    // The first tuning, with its cache, that the tests below look at and start from.
    m_firstCache = m_dir.filePath("first.txt");
    m_tuned = loadTuned(m_firstCache, false, &m_firstProgressCalls);
    QVERIFY(m_tuned);
    const KernelTuningReport* report = vulkanTuningReport(*m_tuned);
    QVERIFY(report);
    m_first = *report;
}

void TestVulkanTuner::tuningChoosesTheFastestValidVariant()
{
    QVERIFY(!m_first.cached);
    QVERIFY(!m_first.device.empty());
    QVERIFY(m_firstProgressCalls > 0);
    // The model's questions: a mat-vec per weight type of its decode products (Q4_0 layers, a Q6_K
    // output matrix), attention's splits, and on a GPU the prefill tile (gpuChoicesTuned).
    std::set<std::string> questions;
    for (const KernelChoice& c : m_first.choices) {
        questions.insert(c.question);
        QVERIFY2(!c.cached && c.complete, c.question.c_str());
    }
    QVERIFY2(questions.count("decode mat-vec Q4_0") && questions.count("decode mat-vec Q6_K")
            && questions.count("decode attention"),
        m_first.config.c_str());
    for (const KernelChoice& c : m_first.choices) {
        std::vector<const KernelTrial*> trials;
        for (const KernelTrial& t : m_first.trials)
            if (t.question == c.question) trials.push_back(&t);
        // Real variants: several per question, each run, checked and timed.
        QVERIFY2(trials.size() >= 2, c.question.c_str());
        const KernelTrial* chosen = nullptr;
        double fastestValid = 1e30;
        for (const KernelTrial* t : trials) {
            QVERIFY2(t->valid, qPrintable(QString::fromStdString(t->variant + ": " + t->note)));
            QVERIFY(t->microseconds > 0);
            fastestValid = std::min(fastestValid, t->microseconds);
            if (t->chosen) {
                QVERIFY2(!chosen, "two variants chosen for one question");
                chosen = t;
            }
        }
        QVERIFY2(chosen, c.question.c_str());
        QCOMPARE(chosen->variant, c.variant);
        QCOMPARE(chosen->microseconds, fastestValid);
    }
    // The cache file: one line per question after its header.
    QFile cache(m_firstCache);
    QVERIFY(cache.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(cache.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.value(0), QString("hearth-kernel-tuning 1"));
    QCOMPARE(lines.size(), int(m_first.choices.size()) + 1);
    for (const KernelChoice& c : m_first.choices)
        QVERIFY2(lines.filter(QString::fromStdString("question=" + c.question + " ")).size() == 1,
            c.question.c_str());
}

void TestVulkanTuner::tunedKernelsMatchLlamaCpp()
{
    QVERIFY(m_tuned);
    // The decode plan takes the choices: each type's mat-vec shader, attention's splits.
    const QString plan = QString::fromStdString(dynamic_cast<vk::VulkanBackend&>(*m_tuned).describePlan(1));
    for (const KernelChoice& c : m_first.choices) {
        const QString variant = QString::fromStdString(c.variant);
        const QString question = QString::fromStdString(c.question);
        if (question.startsWith("decode mat-vec ")) {
            const QString type = question.section(' ', 2).toLower();
            const QString shader = variant == "cpu" ? "mul_mat_vec_cpu_" + type : "mul_mat_vec_" + type + " ";
            QVERIFY2(plan.contains(shader), qPrintable(shader + " not in the plan:\n" + plan));
        } else if (question == "decode attention") {
            const QString splits = variant.section('=', 1);
            QVERIFY2(
                plan.contains(", " + splits + (splits == "1" ? " split " : " splits ")), qPrintable(plan));
        }
    }
    const QString failure = decodeAgainstLlamaCpp(*m_tuned, m_model, m_first.config);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestVulkanTuner::gpuChoicesTuned()
{
    // A GPU's questions, on this device: the generic mat-vec's rows and threads per workgroup, integer
    // dot products or float where the device has them, attention's splits, the prefill tile. A model
    // of one weight type (Q8_0), as each type's mat-vec variants are compiled, slowly on lavapipe.
    Model model;
    QVERIFY(bind("tiny-llama31-q8_0", model));
    auto backend = loadTuned("", false, nullptr, true, &model);
    QVERIFY(backend);
    const KernelTuningReport* report = vulkanTuningReport(*backend);
    QVERIFY(report);
    std::map<std::string, int> candidates;
    for (const KernelTrial& t : report->trials) {
        ++candidates[t.question];
        QVERIFY2(t.valid, qPrintable(QString::fromStdString(t.question + " " + t.variant + ": " + t.note)));
    }
    QCOMPARE(candidates["decode mat-vec Q8_0"], 9);
    QCOMPARE(candidates.count("decode integer dot products"), size_t(hasIntDot()));
    QCOMPARE(candidates["decode attention"], 6);
    QCOMPARE(candidates["prefill product"], 2);
    for (const KernelChoice& c : report->choices)
        QVERIFY2(c.complete, c.question.c_str());
    const QString failure = decodeAgainstLlamaCpp(*backend, model, report->config);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

void TestVulkanTuner::secondLoadTakesTheCache()
{
    const QString path = cacheCopy("second.txt");
    QVERIFY(!path.isEmpty());
    int progressCalls = 0;
    auto backend = loadTuned(path, false, &progressCalls);
    QVERIFY(backend);
    const KernelTuningReport* report = vulkanTuningReport(*backend);
    QVERIFY(report);
    QVERIFY(report->cached);
    QVERIFY(report->trials.empty()); // nothing timed
    QCOMPARE(progressCalls, 0);
    QCOMPARE(report->config, m_first.config);
    QCOMPARE(report->choices.size(), m_first.choices.size());
    for (size_t i = 0; i < report->choices.size(); ++i) {
        QVERIFY(report->choices[i].cached);
        QCOMPARE(report->choices[i].variant, m_first.choices[i].variant);
    }
}

void TestVulkanTuner::foreignOrCorruptCacheIsIgnored_data()
{
    QTest::addColumn<QString>("change");
    QTest::newRow("another driver version") << "driver";
    QTest::newRow("another shader build") << "shaders";
    QTest::newRow("corrupt") << "corrupt";
}

void TestVulkanTuner::foreignOrCorruptCacheIsIgnored()
{
    QFETCH(QString, change);
    const QString path = cacheCopy(change + ".txt");
    QVERIFY(!path.isEmpty());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(file.readAll());
    file.close();
    if (change == "driver") {
        // Every entry as if measured under the next driver version.
        const QRegularExpressionMatch match = QRegularExpression(" driver=(\\d+) ").match(text);
        QVERIFY(match.hasMatch());
        text.replace(
            match.captured(0), " driver=" + QString::number(match.captured(1).toULongLong() + 1) + " ");
    } else if (change == "shaders") {
        const QRegularExpressionMatch match = QRegularExpression(" shaders=([0-9a-f]+) ").match(text);
        QVERIFY(match.hasMatch());
        text.replace(match.captured(0), " shaders=0123456789abcdef ");
    } else {
        text = text.left(text.size() / 2).replace('\t', ' ') + "\x01garbage";
    }
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text.toUtf8());
    file.close();

    auto backend = loadTuned(path);
    QVERIFY(backend);
    const KernelTuningReport* report = vulkanTuningReport(*backend);
    QVERIFY(report);
    QVERIFY(!report->cached);
    QVERIFY(!report->trials.empty());
    for (const KernelChoice& c : report->choices)
        QVERIFY2(!c.cached, c.question.c_str());
    // Rewritten: a later load takes the new entries.
    auto again = loadTuned(path);
    QVERIFY(again);
    QVERIFY(vulkanTuningReport(*again)->cached);
}

void TestVulkanTuner::wrongVariantIsRejected()
{
    auto backend = loadTuned("", true);
    QVERIFY(backend);
    const KernelTuningReport* report = vulkanTuningReport(*backend);
    QVERIFY(report);
    std::map<std::string, int> injected;
    for (const KernelTrial& t : report->trials) {
        if (t.variant != "injected-wrong") continue;
        ++injected[t.question];
        QVERIFY2(!t.valid && !t.chosen, t.question.c_str());
        QVERIFY2(t.note.rfind("rejected", 0) == 0, t.note.c_str());
    }
    QCOMPARE(injected.size(), report->choices.size()); // one per question
    for (const KernelChoice& c : report->choices) {
        QVERIFY(c.variant != "injected-wrong");
        QVERIFY(c.complete);
    }
}

void TestVulkanTuner::spentBudgetKeepsTheDefaults()
{
    // No time at all: nothing is tried, every question keeps the device's default, and nothing is
    // cached (the next load tunes).
    const QString path = m_dir.filePath("no-budget.txt");
    auto backend = loadTuned(path, false, nullptr, false, nullptr, 0);
    QVERIFY(backend);
    const KernelTuningReport* report = vulkanTuningReport(*backend);
    QVERIFY(report);
    QVERIFY(!report->cached);
    QVERIFY(!report->choices.empty());
    for (const KernelChoice& c : report->choices)
        QVERIFY2(!c.complete && !c.cached, c.question.c_str());
    for (const KernelTrial& t : report->trials) {
        QVERIFY(!t.chosen);
        QCOMPARE(t.note, std::string("not tried: budget"));
    }
    QVERIFY(!QFile::exists(path));
    // The defaults: what a load without tuning runs.
    VulkanOptions options;
    options.contextLength = 256;
    options.maxBatch = 16;
    auto untuned = createVulkanBackend(*m_model.file, *m_model.weights, m_model.config, options);
    QVERIFY(untuned);
    QCOMPARE(dynamic_cast<vk::VulkanBackend&>(*backend).describePlan(1),
        dynamic_cast<vk::VulkanBackend&>(**untuned).describePlan(1));
}

void TestVulkanTuner::cleanupTestCase()
{
    m_tuned.reset();
    QVERIFY2(!vk::validationLayerMissing(), "validation asked for, but its layer is not installed");
    QCOMPARE(vk::validationMessageCount(), 0u);
}

QTEST_GUILESS_MAIN(TestVulkanTuner)
#include "test_vulkan_tuner.moc"
