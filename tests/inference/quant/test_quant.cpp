// Dequantization and quantization against llama.cpp: the shared quantized models were made by
// llama-quantize from tiny-llama31-f32.gguf, so (1) dequantizing them must approximate the f32
// weights within each type's quantization error, and (2) quantizing the f32 weights must give
// exactly their bytes.
#include "gguf/gguf.h"
#include "quant/dequant.h"
#include "quant/dequant_block.h"
#include "quant/quantize.h"
#include "shared_data.h"

#include <QtTest>
#include <bit>
#include <cmath>
#include <cstring>

using namespace hearth;

namespace {

std::unique_ptr<GgufFile> openModel(const char* name)
{
    auto file = GgufFile::open(test::testdata(QStringLiteral("models/") + name).toStdString());
    if (!file) {
        qWarning("%s", file.error().message.c_str());
        return nullptr;
    }
    return std::move(file).value();
}

} // namespace

class TestQuant : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void dequantizeMatchesF32_data();
    void dequantizeMatchesF32();
    void quantizeIsBitExact_data();
    void quantizeIsBitExact();
    void halfConversions();
    void blockHelperMatchesRow();
    void threadedRowsMatchSerial();

private:
    std::unique_ptr<GgufFile> m_f32;
};

void TestQuant::initTestCase()
{
    m_f32 = openModel("tiny-llama31-f32.gguf");
    QVERIFY(m_f32);
}

void TestQuant::dequantizeMatchesF32_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<double>("maxRelativeRms");
    // Bounds sit just above the error each type's format allows for these Gaussian-like weights
    // (measured: q8_0 0.0053, q6_k 0.018, q5_k 0.036, q4_k 0.072, q4_0 0.086, f16 2e-4,
    // bf16 1.7e-3); a wrong nibble order or scale gives errors of order 1.
    QTest::newRow("q8_0") << "tiny-llama31-q8_0.gguf" << 0.01;
    QTest::newRow("q6_k") << "tiny-llama31-q6_k.gguf" << 0.02;
    QTest::newRow("q5_k_m") << "tiny-llama31-q5_k_m.gguf" << 0.04;
    QTest::newRow("q4_k_m") << "tiny-llama31-q4_k_m.gguf" << 0.08;
    QTest::newRow("q4_0") << "tiny-llama31-q4_0.gguf" << 0.095;
    QTest::newRow("f16") << "tiny-llama31-f16.gguf" << 1e-3;
    QTest::newRow("bf16") << "tiny-llama31-bf16.gguf" << 5e-3;
    // The types added later (measured: q5_1 0.038, q5_0 0.043, iq4_nl 0.076, iq4_xs 0.077, q4_1
    // 0.079, q3_k 0.151, iq3_s 0.167, q2_k 0.298; the mixes' Q4_K/Q5_K tensors stay under these).
    QTest::newRow("q4_1") << "tiny-llama31-q4_1.gguf" << 0.085;
    QTest::newRow("q5_0") << "tiny-llama31-q5_0.gguf" << 0.047;
    QTest::newRow("q5_1") << "tiny-llama31-q5_1.gguf" << 0.042;
    QTest::newRow("iq4_nl") << "tiny-llama31-iq4_nl.gguf" << 0.085;
    QTest::newRow("iq4_xs") << "tiny-llama31-iq4_xs.gguf" << 0.085;
    QTest::newRow("q3_k_s") << "tiny-llama31-q3_k_s.gguf" << 0.165;
    QTest::newRow("q3_k_l") << "tiny-llama31-q3_k_l.gguf" << 0.165;
    QTest::newRow("q2_k") << "tiny-llama31-q2_k.gguf" << 0.32;
    QTest::newRow("iq3_s") << "tiny-llama31-iq3_s.gguf" << 0.18;
}

void TestQuant::dequantizeMatchesF32()
{
    QFETCH(QString, file);
    QFETCH(double, maxRelativeRms);
    auto model = openModel(file.toUtf8().constData());
    QVERIFY(model);
    int checked = 0;
    for (const GgufTensorInfo& t : model->tensors()) {
        const GgufTensorInfo* ref = m_f32->tensor(t.name);
        QVERIFY2(ref, t.name.c_str());
        QCOMPARE(ref->shape, t.shape);
        std::vector<float> values(t.elementCount);
        dequantize(t.type, t.data, values.data(), t.elementCount);
        const auto* x = reinterpret_cast<const float*>(ref->data);
        double err = 0, norm = 0;
        for (size_t i = 0; i < values.size(); ++i) {
            err += (double(values[i]) - x[i]) * (double(values[i]) - x[i]);
            norm += double(x[i]) * x[i];
        }
        const double relative = std::sqrt(err / norm);
        // Q6_K stands in for the other types on some tensors (mixes and output.weight).
        const double bound = t.type == TensorType::Q6_K ? 0.02
            : t.type == TensorType::F32                 ? 0.0
                                                        : maxRelativeRms;
        QVERIFY2(relative <= bound,
            qPrintable(QStringLiteral("%1 (%2): relative rms error %3 > %4")
                           .arg(QString::fromStdString(t.name))
                           .arg(QString::fromUtf8(typeName(t.type).data()))
                           .arg(relative)
                           .arg(bound)));
        ++checked;
    }
    QCOMPARE(checked, 22);
}

void TestQuant::quantizeIsBitExact_data()
{
    QTest::addColumn<QString>("file");
    for (const char* name : { "tiny-llama31-q8_0.gguf", "tiny-llama31-q4_0.gguf", "tiny-llama31-q6_k.gguf",
             "tiny-llama31-q4_k_m.gguf", "tiny-llama31-q5_k_m.gguf", "tiny-llama31-f16.gguf",
             "tiny-llama31-bf16.gguf", "tiny-llama31-q4_1.gguf", "tiny-llama31-q5_0.gguf",
             "tiny-llama31-q5_1.gguf", "tiny-llama31-iq4_nl.gguf", "tiny-llama31-iq4_xs.gguf",
             "tiny-llama31-q2_k.gguf", "tiny-llama31-q3_k_s.gguf", "tiny-llama31-q3_k_m.gguf",
             "tiny-llama31-q3_k_l.gguf", "tiny-llama31-q4_k_s.gguf", "tiny-llama31-q5_k_s.gguf",
             "tiny-llama31-iq3_s.gguf" })
        QTest::newRow(name) << name;
}

void TestQuant::quantizeIsBitExact()
{
    QFETCH(QString, file);
    auto model = openModel(file.toUtf8().constData());
    QVERIFY(model);
    int matrices = 0;
    for (const GgufTensorInfo& t : model->tensors()) {
        const GgufTensorInfo* ref = m_f32->tensor(t.name);
        QVERIFY(ref && ref->type == TensorType::F32);
        QVERIFY(canQuantize(t.type));
        std::vector<uint8_t> bytes(t.byteSize);
        quantize(t.type, reinterpret_cast<const float*>(ref->data), bytes.data(), t.elementCount);
        size_t firstDiff = 0;
        while (firstDiff < bytes.size() && bytes[firstDiff] == t.data[firstDiff])
            ++firstDiff;
        QVERIFY2(firstDiff == bytes.size(),
            qPrintable(QStringLiteral("%1 (%2): first differing byte %3 of %4")
                           .arg(QString::fromStdString(t.name))
                           .arg(QString::fromUtf8(typeName(t.type).data()))
                           .arg(firstDiff)
                           .arg(bytes.size())));
        if (t.shape.size() == 2) ++matrices;
    }
    QCOMPARE(matrices, 16);
}

void TestQuant::halfConversions()
{
    // IEEE 754 binary16 facts: largest finite, smallest subnormal, rounding ties to even.
    QCOMPARE(f32ToF16(65504.0f), uint16_t(0x7bff));
    QCOMPARE(f32ToF16(65520.0f), uint16_t(0x7c00));
    QCOMPARE(f32ToF16(5.9604644775390625e-8f), uint16_t(0x0001));
    QCOMPARE(f32ToF16(2.98023223876953125e-8f), uint16_t(0x0000)); // tie → even (zero)
    QCOMPARE(f32ToF16(1.0f + 1.0f / 2048), uint16_t(0x3c00)); // tie → even
    QCOMPARE(f32ToF16(1.0f + 3.0f / 2048), uint16_t(0x3c02)); // tie → even (up)
    QCOMPARE(f32ToF16(-2.0f), uint16_t(0xc000));
    QVERIFY((f32ToF16(NAN) & 0x7c00) == 0x7c00 && (f32ToF16(NAN) & 0x3ff) != 0);
    for (uint32_t h = 0; h < 0x10000; ++h) {
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) continue; // NaNs need not round-trip their payload
        QCOMPARE(f32ToF16(f16ToF32(uint16_t(h))), uint16_t(h));
    }
    QCOMPARE(f32ToBf16(1.0f), uint16_t(0x3f80));
    QCOMPARE(bf16ToF32(0x3f80), 1.0f);
    QCOMPARE(f32ToBf16(std::bit_cast<float>(0x3f808000u)), uint16_t(0x3f80)); // tie → even
    QCOMPARE(f32ToBf16(std::bit_cast<float>(0x3f818000u)), uint16_t(0x3f82));
}

void TestQuant::blockHelperMatchesRow()
{
    // dequantizeBlock (for fused kernels) gives the same floats as the row dequantizer.
    auto model = openModel("tiny-llama31-q4_k_m.gguf");
    QVERIFY(model);
    for (const char* name : { "blk.0.attn_q.weight", "output.weight" }) {
        const GgufTensorInfo* t = model->tensor(name);
        QVERIFY(t);
        std::vector<float> row(256), block(256);
        dequantize(t->type, t->data, row.data(), 256);
        dequantizeBlock(t->type, t->data, block.data());
        QVERIFY(std::memcmp(row.data(), block.data(), sizeof(float) * 256) == 0);
    }
}

void TestQuant::threadedRowsMatchSerial()
{
    // quantizeRows splits rows across threads; blocks never straddle rows, so bytes are identical.
    const GgufTensorInfo* t = m_f32->tensor("blk.0.ffn_down.weight"); // rows of 768
    QVERIFY(t);
    const auto* x = reinterpret_cast<const float*>(t->data);
    const size_t rows = t->shape[1], rowLength = t->shape[0];
    for (TensorType type : { TensorType::Q4_K, TensorType::Q8_0, TensorType::F16 }) {
        std::vector<uint8_t> serial(rowBytes(type, t->elementCount)), threaded(serial.size());
        quantize(type, x, serial.data(), t->elementCount);
        quantizeRows(type, x, threaded.data(), rows, rowLength, 3);
        QVERIFY(serial == threaded);
    }
}

QTEST_GUILESS_MAIN(TestQuant)
#include "test_quant.moc"
