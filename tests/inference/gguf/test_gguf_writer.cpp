// GgufWriter round trips, and whole-model quantization against llama-quantize's files: quantizing
// tiny-llama31-f32.gguf in each mix must give the shipped file's tensor types and bytes.
#include "gguf/gguf.h"
#include "gguf/gguf_quantize.h"
#include "gguf/gguf_synth.h"
#include "gguf/gguf_writer.h"
#include "quant/dequant.h"
#include "shared_data.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstring>

using namespace hearth;

class TestGgufWriter : public QObject {
    Q_OBJECT

private slots:
    void roundTrip();
    void quantizeMatchesLlamaQuantize_data();
    void quantizeMatchesLlamaQuantize();
    void mixRules();
    void synthMatchesLlamaLayout();
    void synthIsDeterministic();

private:
    QTemporaryDir m_dir;
};

void TestGgufWriter::roundTrip()
{
    const std::string path = (m_dir.path() + "/round.gguf").toStdString();
    {
        GgufWriter writer(64);
        writer.set("u8", uint8_t(7));
        writer.set("i8", int8_t(-7));
        writer.set("u16", uint16_t(700));
        writer.set("i16", int16_t(-700));
        writer.set("u32", uint32_t(70000));
        writer.set("i32", int32_t(-70000));
        writer.set("f32", 1.5f);
        writer.set("bool", true);
        writer.setString("str", "héllo");
        writer.set("u64", uint64_t(1) << 40);
        writer.set("i64", -(int64_t(1) << 40));
        writer.set("f64", 2.25);
        auto strings = std::make_shared<GgufArray>();
        strings->elementType = GgufValueType::String;
        strings->values = { std::string_view("a"), std::string_view(""), std::string_view("ccc") };
        writer.set("strings", strings);
        auto nested = std::make_shared<GgufArray>();
        nested->elementType = GgufValueType::Array;
        auto inner = std::make_shared<GgufArray>();
        inner->elementType = GgufValueType::Int32;
        inner->values = { int32_t(1), int32_t(2) };
        nested->values = { inner };
        writer.set("nested", nested);
        QVERIFY(writer.addTensor("a", TensorType::F32, { 3, 2 }).ok());
        QVERIFY(writer.addTensor("b", TensorType::Q8_0, { 64 }).ok());
        QVERIFY(writer.open(path).ok());
        const float a[6] = { 1, 2, 3, 4, 5, 6 };
        QVERIFY(writer.writeData(a, 8).ok()); // in two pieces
        QVERIFY(writer.writeData(reinterpret_cast<const uint8_t*>(a) + 8, 16).ok());
        std::vector<uint8_t> b(68, 0x5a);
        QVERIFY(writer.writeData(b.data(), b.size()).ok());
        QVERIFY(writer.finish().ok());
    }
    auto file = GgufFile::open(path);
    QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
    const GgufFile& f = **file;
    QCOMPARE(f.alignment(), uint64_t(64));
    QCOMPARE(f.getInt("i8"), std::optional<int64_t>(-7));
    QCOMPARE(f.getUint("u16"), std::optional<uint64_t>(700));
    QCOMPARE(f.getInt("i32"), std::optional<int64_t>(-70000));
    QCOMPARE(f.getUint("u64"), std::optional<uint64_t>(uint64_t(1) << 40));
    QCOMPARE(f.getFloat("f32"), std::optional<double>(1.5));
    QCOMPARE(f.getFloat("f64"), std::optional<double>(2.25));
    QCOMPARE(f.getBool("bool"), std::optional<bool>(true));
    QCOMPARE(f.getString("str"), std::optional<std::string_view>("héllo"));
    QCOMPARE(f.getUint("i8"), std::nullopt); // negative: not an unsigned
    QVERIFY(std::holds_alternative<uint8_t>(*f.find("u8")));
    QVERIFY(std::holds_alternative<int16_t>(*f.find("i16")));
    const GgufArray* strings = f.getArray("strings");
    QVERIFY(strings && strings->values.size() == 3);
    QCOMPARE(std::get<std::string_view>(strings->values[2]), std::string_view("ccc"));
    const GgufArray* nested = f.getArray("nested");
    QVERIFY(nested && nested->elementType == GgufValueType::Array);
    QCOMPARE(
        std::get<int32_t>(std::get<std::shared_ptr<GgufArray>>(nested->values[0])->values[1]), int32_t(2));
    QCOMPARE(f.tensor("a")->fileOffset % 64, uint64_t(0));
    QCOMPARE(f.tensor("b")->fileOffset % 64, uint64_t(0));
    QCOMPARE(reinterpret_cast<const float*>(f.tensor("a")->data)[5], 6.0f);
    QCOMPARE(f.tensor("b")->data[67], uint8_t(0x5a));
}

void TestGgufWriter::quantizeMatchesLlamaQuantize_data()
{
    QTest::addColumn<QString>("mix");
    QTest::addColumn<QString>("reference");
    for (const char* mix : { "q8_0", "q4_0", "q6_k", "q4_k_m", "q5_k_m", "f16", "bf16", "q4_1", "q5_0",
             "q5_1", "iq4_nl", "iq4_xs", "q2_k", "q3_k_s", "q3_k_m", "q3_k_l", "q4_k_s", "q5_k_s", "iq3_s" })
        QTest::newRow(mix) << mix << QStringLiteral("models/tiny-llama31-%1.gguf").arg(mix);
}

void TestGgufWriter::quantizeMatchesLlamaQuantize()
{
    QFETCH(QString, mix);
    QFETCH(QString, reference);
    auto input = GgufFile::open(test::testdata("models/tiny-llama31-f32.gguf").toStdString());
    auto expected = GgufFile::open(test::testdata(reference).toStdString());
    QVERIFY(input.ok() && expected.ok());
    const std::string out = (m_dir.path() + "/" + mix + ".gguf").toStdString();
    const Status status = quantizeModel(**input, out, *parseQuantMix(mix.toStdString()), 2);
    QVERIFY2(status.ok(), status.ok() ? "" : status.error().message.c_str());
    auto ours = GgufFile::open(out);
    QVERIFY2(ours.ok(), ours.ok() ? "" : ours.error().message.c_str());
    QCOMPARE((*ours)->tensors().size(), (*expected)->tensors().size());
    for (const GgufTensorInfo& t : (*expected)->tensors()) {
        const GgufTensorInfo* mine = (*ours)->tensor(t.name);
        QVERIFY2(mine, t.name.c_str());
        QVERIFY2(mine->type == t.type,
            qPrintable(QString::fromStdString(t.name) + ": type "
                + QString::fromUtf8(typeName(mine->type).data()) + ", llama.cpp "
                + QString::fromUtf8(typeName(t.type).data())));
        QCOMPARE(mine->shape, t.shape);
        QVERIFY2(std::memcmp(mine->data, t.data, t.byteSize) == 0, t.name.c_str());
    }
    QCOMPARE((*ours)->getUint("general.file_type"), (*expected)->getUint("general.file_type"));
    QCOMPARE(
        (*ours)->getString("tokenizer.chat_template"), (*expected)->getString("tokenizer.chat_template"));
    QCOMPARE((*ours)->getArray("tokenizer.ggml.merges")->values.size(),
        (*expected)->getArray("tokenizer.ggml.merges")->values.size());
}

void TestGgufWriter::mixRules()
{
    // llama.cpp's use_more_bits over 32 layers (Llama 3.1 8B): 0-3, 28-31, and 6, 9, ..., 27.
    std::vector<int> more;
    for (int i = 0; i < 32; ++i)
        if (useMoreBits(i, 32)) more.push_back(i);
    QCOMPARE(more, (std::vector<int> { 0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31 }));
    const uint64_t shape[2] = { 2048, 128256 };
    // Tied embeddings (Llama 3.2) are the output projection.
    QCOMPARE(chooseTensorType(QuantMix::Q4_K_M, "token_embd.weight", shape, 16, false, TensorType::F16),
        TensorType::Q6_K);
    QCOMPARE(chooseTensorType(QuantMix::Q4_K_M, "token_embd.weight", shape, 16, true, TensorType::F16),
        TensorType::Q4_K);
    QCOMPARE(chooseTensorType(QuantMix::Q8_0, "output.weight", shape, 16, true, TensorType::F16),
        TensorType::Q8_0);
    const uint64_t odd[2] = { 64, 32 }; // stories260K rows: too short for 256-blocks
    QCOMPARE(chooseTensorType(QuantMix::Q4_K, "blk.0.attn_q.weight", odd, 5, true, TensorType::F32),
        TensorType::Q8_0);
    // The low-bit mixes over 16 layers (llama_tensor_get_type): q3_k_m's attn_v has Q5_K in
    // layers 0-1 only, its ffn_down Q5_K in the first sixteenth; q4_k_s's attn_v Q5_K in 0-3.
    const uint64_t square[2] = { 2048, 2048 };
    QCOMPARE(chooseTensorType(QuantMix::Q3_K_M, "blk.1.attn_v.weight", square, 16, true, TensorType::F32),
        TensorType::Q5_K);
    QCOMPARE(chooseTensorType(QuantMix::Q3_K_M, "blk.2.attn_v.weight", square, 16, true, TensorType::F32),
        TensorType::Q4_K);
    QCOMPARE(chooseTensorType(QuantMix::Q3_K_M, "blk.0.ffn_down.weight", square, 16, true, TensorType::F32),
        TensorType::Q5_K);
    QCOMPARE(chooseTensorType(QuantMix::Q3_K_M, "blk.1.ffn_down.weight", square, 16, true, TensorType::F32),
        TensorType::Q4_K);
    QCOMPARE(chooseTensorType(QuantMix::Q4_K_S, "blk.4.attn_v.weight", square, 16, true, TensorType::F32),
        TensorType::Q4_K);
    QCOMPARE(chooseTensorType(QuantMix::Q2_K, "blk.3.attn_v.weight", square, 16, true, TensorType::F32, 1),
        TensorType::Q3_K);
    const uint64_t norm[1] = { 2048 };
    QCOMPARE(chooseTensorType(QuantMix::Q4_0, "blk.0.attn_norm.weight", norm, 16, true, TensorType::F32),
        TensorType::F32);
}

void TestGgufWriter::synthMatchesLlamaLayout()
{
    // A synthetic "tiny" model, tokenizer taken from the shared tiny model, must have the layout of
    // the llama.cpp-made tiny q4_k_m file: same tensors, shapes, types, llama.* metadata, and
    // Llama 3.1 rope factors.
    auto reference = GgufFile::open(test::testdata("models/tiny-llama31-q4_k_m.gguf").toStdString());
    QVERIFY(reference.ok());
    SynthOptions options;
    options.shape = *synthShape("tiny");
    options.mix = QuantMix::Q4_K_M;
    options.seed = 7;
    options.vocabulary = reference->get();
    options.threads = 2;
    const std::string out = (m_dir.path() + "/synth.gguf").toStdString();
    const Status status = synthesizeModel(options, out);
    QVERIFY2(status.ok(), status.ok() ? "" : status.error().message.c_str());
    auto ours = GgufFile::open(out);
    QVERIFY2(ours.ok(), ours.ok() ? "" : ours.error().message.c_str());
    QCOMPARE((*ours)->tensors().size(), (*reference)->tensors().size());
    for (const GgufTensorInfo& t : (*reference)->tensors()) {
        const GgufTensorInfo* mine = (*ours)->tensor(t.name);
        QVERIFY2(mine && mine->type == t.type && mine->shape == t.shape, t.name.c_str());
    }
    for (const auto& [key, value] : (*reference)->metadata()) {
        const GgufValue* mine = (*ours)->find(key);
        QVERIFY2(mine, key.c_str());
        if (key != "general.name") QVERIFY2(describeValue(*mine) == describeValue(value), key.c_str());
    }
    const GgufTensorInfo* rope = (*ours)->tensor("rope_freqs.weight");
    const GgufTensorInfo* refRope = (*reference)->tensor("rope_freqs.weight");
    for (uint64_t i = 0; i < rope->elementCount; ++i) {
        const float a = reinterpret_cast<const float*>(rope->data)[i],
                    b = reinterpret_cast<const float*>(refRope->data)[i];
        QVERIFY2(std::fabs(a - b) <= 1e-5f * b,
            qPrintable(QStringLiteral("rope factor %1: %2 vs %3").arg(i).arg(a).arg(b)));
    }
    // Random weights: zero mean, standard deviation 0.02 (within Q4_K error), norms exactly 1.
    const GgufTensorInfo* q = (*ours)->tensor("blk.0.attn_q.weight");
    std::vector<float> w(q->elementCount);
    dequantize(q->type, q->data, w.data(), w.size());
    double sum = 0, sum2 = 0;
    for (float v : w) {
        sum += v;
        sum2 += double(v) * v;
    }
    const double mean = sum / w.size(), stddev = std::sqrt(sum2 / w.size() - mean * mean);
    QVERIFY2(std::fabs(mean) < 1e-3 && std::fabs(stddev - 0.02) < 0.002, qPrintable(QString::number(stddev)));
    QCOMPARE(reinterpret_cast<const float*>((*ours)->tensor("blk.1.ffn_norm.weight")->data)[17], 1.0f);
}

void TestGgufWriter::synthIsDeterministic()
{
    // The same seed gives the same bytes whatever the thread count; another seed gives other weights.
    auto vocabulary = GgufFile::open(test::testdata("models/tiny-llama31-q8_0.gguf").toStdString());
    QVERIFY(vocabulary.ok());
    auto make = [&](uint64_t seed, unsigned threads, const char* name) {
        SynthOptions options;
        options.shape = *synthShape("tiny");
        options.mix = QuantMix::Q8_0;
        options.seed = seed;
        options.vocabulary = vocabulary->get();
        options.threads = threads;
        const QString path = m_dir.path() + "/" + name;
        return synthesizeModel(options, path.toStdString()).ok() ? test::readFile(path) : QByteArray();
    };
    const QByteArray one = make(3, 1, "s1.gguf"), two = make(3, 2, "s2.gguf"), other = make(4, 2, "s3.gguf");
    QVERIFY(!one.isEmpty());
    QVERIFY(one == two);
    QCOMPARE(one.size(), other.size());
    QVERIFY(one != other);
}

QTEST_GUILESS_MAIN(TestGgufWriter)
#include "test_gguf_writer.moc"
