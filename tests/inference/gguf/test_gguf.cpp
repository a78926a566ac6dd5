// GGUF reader against the shared files made by llama.cpp / gguf-py.
#include "gguf/gguf.h"
#include "shared_data.h"

#include <QtTest>

using namespace hearth;

class TestGguf : public QObject {
    Q_OBJECT

private slots:
    void opensSharedFiles_data();
    void opensSharedFiles();
    void vocabularyArrays();
    void tinyModelMetadata();
    void openErrors();
    void typedGetters();
};

void TestGguf::opensSharedFiles_data()
{
    QTest::addColumn<QString>("file");
    for (const char* name :
        { "models/tiny-llama31-f32.gguf", "models/tiny-llama31-f16.gguf", "models/tiny-llama31-bf16.gguf",
            "models/tiny-llama31-q8_0.gguf", "models/tiny-llama31-q4_0.gguf", "models/tiny-llama31-q6_k.gguf",
            "models/tiny-llama31-q4_k_m.gguf", "models/tiny-llama31-q5_k_m.gguf",
            "models/small-llama31-q4_k_m.gguf", "models/tiny-llama32-tied-q8_0.gguf",
            "models/stories260K.gguf", "tokenizer/llama31-vocab.gguf", "tokenizer/llama-spm-vocab.gguf" })
        QTest::newRow(name) << test::testdata(name);
}

void TestGguf::opensSharedFiles()
{
    QFETCH(QString, file);
    auto gguf = GgufFile::open(file.toStdString());
    QVERIFY2(gguf.ok(), gguf.ok() ? "" : gguf.error().message.c_str());
    QVERIFY((*gguf)->version() == 2 || (*gguf)->version() == 3);
    QVERIFY((*gguf)->getString("general.architecture").has_value() || file.contains("tokenizer/"));
    for (const GgufTensorInfo& t : (*gguf)->tensors()) {
        QVERIFY(t.data != nullptr);
        QVERIFY(t.fileOffset + t.byteSize <= (*gguf)->fileSize());
    }
}

void TestGguf::vocabularyArrays()
{
    auto gguf = GgufFile::open(test::testdata("tokenizer/llama31-vocab.gguf").toStdString());
    QVERIFY2(gguf.ok(), gguf.ok() ? "" : gguf.error().message.c_str());
    const GgufArray* tokens = (*gguf)->getArray("tokenizer.ggml.tokens");
    QVERIFY(tokens);
    QCOMPARE(tokens->elementType, GgufValueType::String);
    QCOMPARE(tokens->values.size(), size_t(128256));
    QCOMPARE(std::get<std::string_view>(tokens->values[128009]), std::string_view("<|eot_id|>"));
    const GgufArray* merges = (*gguf)->getArray("tokenizer.ggml.merges");
    QVERIFY(merges);
    QCOMPARE(merges->values.size(), size_t(280147));
    QCOMPARE((*gguf)->getString("tokenizer.ggml.model"), std::optional<std::string_view>("gpt2"));
    QCOMPARE((*gguf)->getUint("tokenizer.ggml.eos_token_id"), std::optional<uint64_t>(128009));
    QVERIFY((*gguf)->tensors().empty());
}

void TestGguf::tinyModelMetadata()
{
    auto gguf = GgufFile::open(test::testdata("models/tiny-llama31-q4_k_m.gguf").toStdString());
    QVERIFY2(gguf.ok(), gguf.ok() ? "" : gguf.error().message.c_str());
    QCOMPARE((*gguf)->getString("general.architecture"), std::optional<std::string_view>("llama"));
    QCOMPARE((*gguf)->getUint("llama.block_count"), std::optional<uint64_t>(2));
    QCOMPARE((*gguf)->getUint("llama.embedding_length"), std::optional<uint64_t>(256));
    const GgufTensorInfo* out = (*gguf)->tensor("output.weight");
    QVERIFY(out);
    QCOMPARE(out->type, TensorType::Q6_K);
    QCOMPARE(out->shape, (std::vector<uint64_t> { 256, 4096 }));
    QCOMPARE((*gguf)->tensor("blk.0.attn_q.weight")->type, TensorType::Q4_K);
}

void TestGguf::openErrors()
{
    auto missing = GgufFile::open("/nonexistent/model.gguf");
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, ErrorCode::FileNotFound);
    QVERIFY(missing.error().message.find("/nonexistent/model.gguf") != std::string::npos);
    auto directory = GgufFile::open(test::sharedDir().toStdString());
    QVERIFY(!directory.ok());
    // A text file (not GGUF) names its path and the problem.
    auto text = GgufFile::open(test::testdata("reference/prompt-chat.txt").toStdString());
    QVERIFY(!text.ok());
    QCOMPARE(text.error().code, ErrorCode::BadFormat);
    QVERIFY2(text.error().message.find("prompt-chat.txt: byte 0: bad magic") != std::string::npos,
        text.error().message.c_str());
}

void TestGguf::typedGetters()
{
    auto gguf = GgufFile::open(test::testdata("models/tiny-llama31-f32.gguf").toStdString());
    QVERIFY(gguf.ok());
    const GgufFile& f = **gguf;
    // rope.freq_base is a float: not an integer, but readable as a float.
    QCOMPARE(f.getUint("llama.rope.freq_base"), std::nullopt);
    QCOMPARE(f.getFloat("llama.rope.freq_base"), std::optional<double>(500000.0));
    // Integers read as floats too; strings are not numbers; absent keys are nullopt.
    QCOMPARE(f.getFloat("llama.block_count"), std::optional<double>(2.0));
    QCOMPARE(f.getUint("general.architecture"), std::nullopt);
    QCOMPARE(f.getString("no.such.key"), std::nullopt);
    QVERIFY(!f.getArray("general.architecture"));
    QCOMPARE(f.getBool("tokenizer.ggml.add_bos_token"), std::optional<bool>(true));
    QVERIFY(!f.tensor("no.such.tensor"));
    QCOMPARE(f.metadata().front().first, std::string("general.architecture"));
}

QTEST_GUILESS_MAIN(TestGguf)
#include "test_gguf.moc"
