// A load that fails keeps the model that was loaded: the engine checks the new file (and its config,
// weights and tokenizer) before it lets the old model go. The usual bad file is a download that
// stopped early; its error says so in words.
#include "engine.h"
#include "engine_test_helpers.h"
#include "shared_data.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace hearth;
using namespace hearth::test;

namespace {

// The first `fraction` of a shared model, as an interrupted download leaves it.
QString cutCopy(const QTemporaryDir& dir, const QString& model, double fraction)
{
    const QByteArray bytes = test::readFile(test::testdata("models/" + model + ".gguf"));
    const QString path = dir.filePath(model + "-partial.gguf");
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly)) return {};
    out.write(bytes.left(qsizetype(double(bytes.size()) * fraction)));
    return path;
}

} // namespace

class TestEngineFailedLoad : public QObject {
    Q_OBJECT

private slots:
    void failedLoadKeepsTheLoadedModel_data()
    {
        QTest::addColumn<double>("fraction");
        QTest::addColumn<QString>("expected");
        // Cut in the metadata (the vocabulary) and in the tensor data.
        QTest::newRow("cut in the vocabulary")
            << 0.05 << "probably an incomplete download; download it again";
        QTest::newRow("cut in the weights") << 0.9 << "probably an incomplete download; download it again";
        QTest::newRow("not there") << -1.0 << "cannot open";
    }
    void failedLoadKeepsTheLoadedModel()
    {
        QFETCH(double, fraction);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto engine = loadEngine("stories260K");
        QVERIFY(engine);
        const std::string loadedPath = engine->info().path;

        LoadOptions options;
        options.modelPath = fraction < 0 ? dir.filePath("none.gguf").toStdString()
                                         : cutCopy(dir, "tiny-llama31-q8_0", fraction).toStdString();
        options.backend = BackendChoice::Cpu;
        const Status status = engine->load(options);
        QVERIFY(!status.ok());
        QVERIFY2(QString::fromStdString(status.error().message).contains(expected),
            status.error().message.c_str());

        QVERIFY(engine->loaded());
        QCOMPARE(engine->info().path, loadedPath);
        GenerateRequest request;
        request.useChat = false;
        request.rawPrompt = "Once upon a time";
        request.sampler = greedy();
        request.maxTokens = 8;
        const Run r = run(*engine, request);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.stats.generatedTokens, 8u);
    }
};

QTEST_APPLESS_MAIN(TestEngineFailedLoad)
#include "tst_engine_failed_load.moc"
