// The CPU backend against llama.cpp: for every model in ../shared/testdata/models, the logits of the
// reference prompt at every position, teacher-forced greedy agreement, and the same numbers whether
// the tokens go through in one batch, in small batches or one at a time (the decode path).
#include "cpu/cpu_backend.h"
#include "gguf/gguf.h"
#include "logit_compare.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "shared_data.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <cmath>

using namespace hearth;

namespace {

using test::compareLogits;
using test::Comparison;
using test::Tolerance;
using test::toleranceFor;

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b)
{
    double diff = 0;
    for (size_t i = 0; i < a.size(); ++i)
        diff = std::max(diff, std::fabs(double(a[i]) - b[i]));
    return diff;
}

std::vector<int32_t> intArray(const QJsonValue& value)
{
    std::vector<int32_t> out;
    for (const QJsonValue& v : value.toArray())
        out.push_back(v.toInt());
    return out;
}

} // namespace

class TestCpuLogits : public QObject {
    Q_OBJECT

private slots:
    void referenceModels_data();
    void referenceModels();
    void storiesGreedyContinuation();
};

void TestCpuLogits::referenceModels_data()
{
    QTest::addColumn<QString>("model");
    const QStringList files = QDir(test::testdata("models")).entryList({ "*.gguf" }, QDir::Files, QDir::Name);
    QVERIFY2(!files.isEmpty(), "no models in ../shared/testdata/models");
    int added = 0;
    for (int row = 0; row < files.size(); ++row) {
        if (!test::inTestShard(row)) continue;
        const QString name = files[row].chopped(5);
        QTest::newRow(qPrintable(name)) << name;
        ++added;
    }
    QVERIFY2(added > 0, "HEARTH_TEST_SHARD leaves no models");
}

void TestCpuLogits::referenceModels()
{
    QFETCH(QString, model);

    // Step 1: the model and its llama.cpp reference.
    auto file = GgufFile::open(test::testdata("models/" + model + ".gguf").toStdString());
    if (test::modelsWithUnsupportedTypes(test::TestBackend::Cpu).contains(model)) {
        QVERIFY2(!file.ok(), "a model listed as holding unsupported types opened; take it off the list");
        QVERIFY2(test::isUnsupportedTypeRefusal(
                     test::TestBackend::Cpu, QString::fromStdString(file.error().message)),
            file.error().message.c_str());
        return;
    }
    QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
    auto config = LlamaConfig::fromGguf(**file);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
    auto weights = LlamaWeights::bind(**file, *config);
    QVERIFY2(weights.ok(), weights.ok() ? "" : weights.error().message.c_str());

    const QJsonObject ref
        = QJsonDocument::fromJson(test::readFile(test::testdata("reference/llamacpp/" + model + ".json")))
              .object();
    const std::vector<int32_t> prompt = intArray(ref["prompt_tokens"]);
    const std::vector<int32_t> greedy = intArray(ref["greedy_tokens"]);
    const QJsonArray gaps = ref["greedy_top2_gaps"].toArray();
    const std::vector<float> refLogits
        = test::readF32(test::testdata("reference/llamacpp/" + model + ".logits.f32"));
    const size_t vocab = config->vocabSize;
    QVERIFY(!prompt.empty());
    QCOMPARE(size_t(ref["n_vocab"].toInt()), vocab);
    QCOMPARE(refLogits.size(), prompt.size() * vocab);

    // Step 2: prompt + reference continuation in one call, logits at every position.
    std::vector<int32_t> tokens = prompt;
    tokens.insert(tokens.end(), greedy.begin(), greedy.end());
    const size_t n = tokens.size();
    // Two threads for the reference comparison (the split must not matter); one for the equivalence
    // checks, which stay fast on a loaded machine (test_cpu_kernels checks threads change nothing).
    auto run = [&](CpuOptions options) {
        options.contextLength = uint32_t(n + 8);
        options.threads = options.threads ? options.threads : 2;
        std::vector<float> logits(n * vocab);
        auto backend = createCpuBackend(*weights, *config, options);
        if (!backend.ok()) qFatal("createCpuBackend: %s", backend.error().message.c_str());
        auto status = (*backend)->forward(tokens, 0, logits);
        if (!status.ok()) qFatal("forward: %s", status.error().message.c_str());
        return logits;
    };
    const std::vector<float> logits = run({});

    // Step 3: logits of the prompt positions within the README's tolerance for the matrices' type.
    const Tolerance tol = toleranceFor(weights->layers[0].wq.type);
    const Comparison c = compareLogits(logits.data(), refLogits.data(), prompt.size(), vocab);
    qInfo("%s: normalized max diff %.3g, mean KL %.3g, max KL %.3g (tolerance %.0e / %.0e / %.0e)",
        qPrintable(model), c.maxDiff, c.meanKl, c.maxKl, tol.maxDiff, tol.meanKl, tol.maxKl);
    QVERIFY2(c.maxDiff <= tol.maxDiff, "normalized max difference above tolerance");
    QVERIFY2(c.meanKl <= tol.meanKl, "mean KL above tolerance");
    QVERIFY2(c.maxKl <= tol.maxKl, "max KL above tolerance");

    // Step 4: teacher-forced greedy agreement where the reference's top-two gap exceeds 0.5.
    QCOMPARE(size_t(gaps.size()), greedy.size());
    int checked = 0;
    for (size_t i = 0; i < greedy.size(); ++i) {
        if (gaps[int(i)].toDouble() <= 0.5) continue;
        const float* row = logits.data() + (prompt.size() - 1 + i) * vocab;
        const int32_t argmax = int32_t(std::max_element(row, row + vocab) - row);
        QVERIFY2(argmax == greedy[i],
            qPrintable(QString("greedy step %1: ours %2, reference %3").arg(i).arg(argmax).arg(greedy[i])));
        ++checked;
    }
    QVERIFY(checked > 0);

    // Step 5: small batches and one token at a time give the same numbers as one big batch.
    const double range
        = *std::max_element(logits.begin(), logits.end()) - *std::min_element(logits.begin(), logits.end());
    CpuOptions small;
    small.batchSize = 7;
    small.threads = 1;
    QVERIFY2(maxAbsDiff(run(small), logits) <= 1e-5 * range, "batches of 7 differ from one batch");
    {
        CpuOptions options;
        options.contextLength = uint32_t(n);
        options.threads = 1;
        auto backend = createCpuBackend(*weights, *config, options);
        QVERIFY(backend.ok());
        std::vector<float> decoded(n * vocab);
        for (size_t p = 0; p < n; ++p) {
            auto status = (*backend)->forward(
                std::span(tokens).subspan(p, 1), uint32_t(p), std::span(decoded).subspan(p * vocab, vocab));
            QVERIFY(status.ok());
        }
        QVERIFY2(maxAbsDiff(decoded, logits) <= 1e-5 * range, "one-token decode differs from one batch");
    }

    // Step 6: the single-precision KV cache (the default is half precision) stays within the same tolerance.
    CpuOptions single;
    single.kvF16 = false;
    single.threads = 1;
    const std::vector<float> singleLogits = run(single);
    const Comparison h = compareLogits(singleLogits.data(), refLogits.data(), prompt.size(), vocab);
    QVERIFY2(h.maxDiff <= tol.maxDiff && h.meanKl <= tol.meanKl && h.maxKl <= tol.maxKl,
        "f32 KV cache out of tolerance");
}

// The real pretrained model, free-running: greedy decoding from the prompt gives llama.cpp's
// 64-token continuation ("..., there was a little girl named Lily. ...") token for token.
void TestCpuLogits::storiesGreedyContinuation()
{
    auto file = GgufFile::open(test::testdata("models/stories260K.gguf").toStdString());
    QVERIFY(file.ok());
    auto config = LlamaConfig::fromGguf(**file);
    QVERIFY(config.ok());
    auto weights = LlamaWeights::bind(**file, *config);
    QVERIFY(weights.ok());
    const QJsonObject ref
        = QJsonDocument::fromJson(test::readFile(test::testdata("reference/llamacpp/stories260K.json")))
              .object();
    const std::vector<int32_t> prompt = intArray(ref["prompt_tokens"]);
    const std::vector<int32_t> expected = intArray(ref["greedy_tokens"]);
    CpuOptions options;
    options.threads = 1;
    auto backend = createCpuBackend(*weights, *config, options);
    QVERIFY(backend.ok());

    std::vector<float> logits(config->vocabSize);
    QVERIFY((*backend)->forward(prompt, 0, logits).ok()); // prefill: last position's logits
    std::vector<int32_t> generated;
    for (size_t i = 0; i < expected.size(); ++i) {
        const int32_t next = int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
        generated.push_back(next);
        const int32_t token[] = { next };
        QVERIFY((*backend)->forward(token, uint32_t(prompt.size() + i), logits).ok()); // decode one token
    }
    QCOMPARE(generated, expected);
}

QTEST_GUILESS_MAIN(TestCpuLogits)
#include "test_cpu_logits.moc"
