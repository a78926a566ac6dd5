// LlamaConfig and LlamaWeights on the shared models (their shapes as ../shared/README.md states them),
// and the errors for a missing tensor, a misshapen tensor and a non-llama architecture.
#include "gguf/gguf.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "shared_data.h"

#include <QTest>

using namespace hearth;

class TestLlamaModel : public QObject {
    Q_OBJECT

private slots:
    void configFromMetadata_data();
    void configFromMetadata();
    void tiedOutputReusesEmbedding();
    void missingTensorIsNamed();
    void misshapenTensorIsNamed();
};

void TestLlamaModel::configFromMetadata_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("layers");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("heads");
    QTest::addColumn<int>("kvHeads");
    QTest::addColumn<int>("headDim");
    QTest::addColumn<int>("vocab");
    QTest::addColumn<double>("ropeBase");
    QTest::addColumn<bool>("ropeFactors");
    QTest::newRow("tiny q4_0") << "tiny-llama31-q4_0" << 2 << 256 << 4 << 1 << 64 << 4096 << 500000.0 << true;
    QTest::newRow("small q4_k_m") << "small-llama31-q4_k_m" << 2 << 512 << 4 << 1 << 128 << 4096 << 500000.0
                                  << true;
    QTest::newRow("stories260K") << "stories260K" << 5 << 64 << 8 << 4 << 8 << 512 << 10000.0 << false;
}

void TestLlamaModel::configFromMetadata()
{
    QFETCH(QString, model);
    auto file = GgufFile::open(test::testdata("models/" + model + ".gguf").toStdString());
    QVERIFY(file.ok());
    auto config = LlamaConfig::fromGguf(**file);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
    QTEST(int(config->layerCount), "layers");
    QTEST(int(config->dim), "dim");
    QTEST(int(config->headCount), "heads");
    QTEST(int(config->kvHeadCount), "kvHeads");
    QTEST(int(config->headDim), "headDim");
    QTEST(int(config->vocabSize), "vocab");
    QTEST(double(config->ropeFreqBase), "ropeBase");
    QTEST(config->hasRopeFreqFactors, "ropeFactors");
    QCOMPARE(config->normEps, 1e-5f);

    auto weights = LlamaWeights::bind(**file, *config);
    QVERIFY2(weights.ok(), weights.ok() ? "" : weights.error().message.c_str());
    QCOMPARE(weights->layers.size(), size_t(config->layerCount));
    QCOMPARE(weights->layers[1].wk.rows, config->kvHeadCount * config->headDim);
    QCOMPARE(weights->layers[1].ffnDown.cols, config->ffnDim);
    QCOMPARE(weights->ropeFreqs.empty(), !config->hasRopeFreqFactors);
    QVERIFY(!config->tiedEmbeddings);
}

void TestLlamaModel::tiedOutputReusesEmbedding()
{
    auto file = GgufFile::open(test::testdata("models/tiny-llama32-tied-q8_0.gguf").toStdString());
    QVERIFY(file.ok());
    auto config = LlamaConfig::fromGguf(**file);
    QVERIFY(config.ok());
    QVERIFY(config->tiedEmbeddings);
    auto weights = LlamaWeights::bind(**file, *config);
    QVERIFY(weights.ok());
    QCOMPARE(weights->output.data, weights->tokenEmbedding.data);
}

void TestLlamaModel::missingTensorIsNamed()
{
    // Rename one tensor in a copy of the file: binding must say which one is missing.
    QByteArray bytes = test::readFile(test::testdata("models/tiny-llama31-q8_0.gguf"));
    const QByteArray name = "blk.1.ffn_up.weight";
    const qsizetype at = bytes.indexOf(name);
    QVERIFY(at > 0);
    bytes[at + name.size() - 1] = 'X';
    auto file
        = GgufFile::fromBytes({ reinterpret_cast<const uint8_t*>(bytes.constData()), size_t(bytes.size()) });
    QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
    auto config = LlamaConfig::fromGguf(**file);
    QVERIFY(config.ok());
    auto weights = LlamaWeights::bind(**file, *config);
    QVERIFY(!weights.ok());
    QVERIFY2(weights.error().message.find("'blk.1.ffn_up.weight' is missing") != std::string::npos,
        weights.error().message.c_str());
}

void TestLlamaModel::misshapenTensorIsNamed()
{
    auto file = GgufFile::open(test::testdata("models/tiny-llama31-f32.gguf").toStdString());
    QVERIFY(file.ok());
    auto config = LlamaConfig::fromGguf(**file);
    QVERIFY(config.ok());
    // A config whose FFN width disagrees with the file: the first FFN matrix is reported with both shapes.
    config->ffnDim = 700;
    auto weights = LlamaWeights::bind(**file, *config);
    QVERIFY(!weights.ok());
    QCOMPARE(weights.error().message,
        std::string("tensor 'blk.0.ffn_gate.weight' has shape [256, 768], expected [256, 700]"));
}

QTEST_GUILESS_MAIN(TestLlamaModel)
#include "test_llama_model.moc"
