// `hearth-cli eval` end to end: tokenizes the reference prompt (the ids must equal llama.cpp's) and
// writes logits that match llama.cpp's within the README tolerance.
#include "shared_data.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>

class TestCpuEval : public QObject {
    Q_OBJECT

private slots:
    void evalMatchesReference_data();
    void evalMatchesReference();
};

void TestCpuEval::evalMatchesReference_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("prompt");
    QTest::addColumn<double>("maxDiff"); // README: F32 2e-3, Q8_0 3e-2
    QTest::addColumn<double>("meanKl");
    QTest::newRow("tiny-llama31-q8_0") << "tiny-llama31-q8_0"
                                       << "prompt-chat.txt" << 3e-2 << 5e-3;
    QTest::newRow("stories260K") << "stories260K"
                                 << "prompt-story.txt" << 2e-3 << 1e-5;
}

void TestCpuEval::evalMatchesReference()
{
    QFETCH(QString, model);
    QFETCH(QString, prompt);
    QFETCH(double, maxDiff);
    QFETCH(double, meanKl);
    QTemporaryDir dir;
    const QString out = dir.filePath("logits.f32");

    QProcess cli;
    cli.start(QStringLiteral(HEARTH_CLI_PATH),
        { "eval", "-m", hearth::test::testdata("models/" + model + ".gguf"), "-f",
            hearth::test::testdata("reference/" + prompt), "--logits-out", out, "--backend", "cpu" });
    QVERIFY(cli.waitForFinished(120000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

    // The ids line equals the reference's prompt tokens.
    const QJsonObject ref = QJsonDocument::fromJson(
        hearth::test::readFile(hearth::test::testdata("reference/llamacpp/" + model + ".json")))
                                .object();
    QStringList expected;
    for (const QJsonValue& id : ref["prompt_tokens"].toArray())
        expected << QString::number(id.toInt());
    QCOMPARE(QString::fromUtf8(cli.readAllStandardOutput()).trimmed(), expected.join(' '));

    // The logits file: positions × vocab, within tolerance at every position.
    const size_t vocab = size_t(ref["n_vocab"].toInt());
    const std::vector<float> ours = hearth::test::readF32(out);
    const std::vector<float> theirs
        = hearth::test::readF32(hearth::test::testdata("reference/llamacpp/" + model + ".logits.f32"));
    QCOMPARE(ours.size(), theirs.size());
    const size_t positions = theirs.size() / vocab;
    double klSum = 0;
    for (size_t p = 0; p < positions; ++p) {
        const float* a = ours.data() + p * vocab;
        const float* r = theirs.data() + p * vocab;
        const auto [rMin, rMax] = std::minmax_element(r, r + vocab);
        const double aMax = *std::max_element(a, a + vocab);
        double diff = 0, zr = 0, za = 0, kl = 0;
        for (size_t i = 0; i < vocab; ++i) {
            diff = std::max(diff, std::fabs(double(a[i]) - r[i]));
            zr += std::exp(double(r[i]) - *rMax);
            za += std::exp(double(a[i]) - aMax);
        }
        for (size_t i = 0; i < vocab; ++i) {
            const double lr = r[i] - *rMax - std::log(zr), la = a[i] - aMax - std::log(za);
            kl += std::exp(lr) * (lr - la);
        }
        QVERIFY2(diff / (double(*rMax) - *rMin) <= maxDiff, qPrintable(QString("position %1").arg(p)));
        klSum += kl;
    }
    QVERIFY(klSum / double(positions) <= meanKl);
}

QTEST_GUILESS_MAIN(TestCpuEval)
#include "test_cpu_eval.moc"
