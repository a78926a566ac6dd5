// Every CPU kernel against a straightforward double-precision loop on random inputs of odd sizes.
// Quantized weights are random valid blocks; the reference dequantizes them with the quant module.
#include "cpu/cpu_features.h"
#include "cpu/dot.h"
#include "cpu/kernels.h"
#include "cpu/packed_matrix.h"
#include "cpu/panel_layout.h"
#include "cpu/threadpool.h"
#include "quant/dequant.h"

#include <QTest>
#include <atomic>
#include <cmath>
#include <random>
#include <vector>

using namespace hearth;

namespace {

std::vector<float> randomFloats(size_t n, std::mt19937& rng, float lo = -1, float hi = 1)
{
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (float& x : v)
        x = dist(rng);
    return v;
}

// A random matrix of `type`: random quant bytes, with every f16 scale set to a sane small value.
std::vector<uint8_t> randomMatrix(TensorType type, uint32_t rows, uint32_t cols, std::mt19937& rng)
{
    const size_t rowSize = rowBytes(type, cols);
    std::vector<uint8_t> bytes(rowSize * rows);
    std::uniform_int_distribution<int> byte(0, 255);
    for (uint8_t& b : bytes)
        b = uint8_t(byte(rng));
    std::uniform_real_distribution<float> scale(0.001f, 0.05f);
    auto putHalf = [&](size_t offset, float value) {
        const uint16_t h = f32ToF16(value);
        std::memcpy(bytes.data() + offset, &h, 2);
    };
    const size_t count = bytes.size();
    switch (type) {
    case TensorType::F32: {
        const auto values = randomFloats(size_t(rows) * cols, rng);
        std::memcpy(bytes.data(), values.data(), count);
        break;
    }
    case TensorType::F16:
    case TensorType::BF16:
        for (size_t i = 0; i < count / 2; ++i) {
            const float v = std::uniform_real_distribution<float>(-1, 1)(rng);
            const uint16_t h = type == TensorType::F16 ? f32ToF16(v) : f32ToBf16(v);
            std::memcpy(bytes.data() + 2 * i, &h, 2);
        }
        break;
    case TensorType::Q4_0:
        for (size_t o = 0; o < count; o += 18)
            putHalf(o, scale(rng));
        break;
    case TensorType::Q8_0:
        for (size_t o = 0; o < count; o += 34)
            putHalf(o, scale(rng));
        break;
    case TensorType::Q4_K:
        for (size_t o = 0; o < count; o += 144) {
            putHalf(o, scale(rng));
            putHalf(o + 2, scale(rng));
        }
        break;
    case TensorType::Q5_K:
        for (size_t o = 0; o < count; o += 176) {
            putHalf(o, scale(rng));
            putHalf(o + 2, scale(rng));
        }
        break;
    case TensorType::Q6_K:
        for (size_t o = 0; o < count; o += 210)
            putHalf(o + 208, scale(rng));
        break;
    case TensorType::Q4_1:
        for (size_t o = 0; o < count; o += 20) {
            putHalf(o, scale(rng));
            putHalf(o + 2, -scale(rng));
        }
        break;
    case TensorType::Q5_0:
        for (size_t o = 0; o < count; o += 22)
            putHalf(o, scale(rng));
        break;
    case TensorType::Q5_1:
        for (size_t o = 0; o < count; o += 24) {
            putHalf(o, scale(rng));
            putHalf(o + 2, -scale(rng));
        }
        break;
    case TensorType::IQ4_NL:
        for (size_t o = 0; o < count; o += 18)
            putHalf(o, scale(rng) / 16);
        break;
    case TensorType::Q2_K:
        for (size_t o = 0; o < count; o += 84) {
            putHalf(o + 80, scale(rng));
            putHalf(o + 82, scale(rng));
        }
        break;
    case TensorType::Q3_K:
        for (size_t o = 0; o < count; o += 110)
            putHalf(o + 108, scale(rng));
        break;
    case TensorType::IQ4_XS:
        for (size_t o = 0; o < count; o += 136)
            putHalf(o, scale(rng) / 64);
        break;
    case TensorType::IQ3_S:
        for (size_t o = 0; o < count; o += 110)
            putHalf(o, scale(rng));
        break;
    default:
        break;
    }
    return bytes;
}

} // namespace

class TestCpuKernels : public QObject {
    Q_OBJECT

private slots:
    void matmulAllTypes_data();
    void matmulAllTypes();
    void matmulManyEqualsSeparateCalls();
    void panelMatmulMatchesReference_data();
    void panelMatmulMatchesReference();
    void panelSimdMatchesPortable_data();
    void panelSimdMatchesPortable();
    void quantizeSimdMatchesPortable();
    void lowBitSimdMatchesPortable_data();
    void lowBitSimdMatchesPortable();
    void rmsNormMatches();
    void ropeMatches();
    void attentionMatches_data();
    void attentionMatches();
    void swigluAndAdd();
    void embeddingLookupDequantizes();
    void threadPoolCoversRange();
};

void TestCpuKernels::matmulAllTypes_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("tokens");
    QTest::addColumn<double>("tolerance"); // relative to sum |w x|
    // Q4_0/Q8_0 (and K-quants on AVX2) meet 8-bit activations: about 1/254 of each product's magnitude.
    const struct {
        const char* name;
        TensorType type;
        int cols;
        double tol;
    } cases[] = {
        { "f32", TensorType::F32, 67, 1e-5 },
        { "f16", TensorType::F16, 291, 1e-5 },
        { "bf16", TensorType::BF16, 99, 1e-5 },
        { "q4_0", TensorType::Q4_0, 224, 1e-2 },
        { "q8_0", TensorType::Q8_0, 160, 1e-2 },
        { "q4_k", TensorType::Q4_K, 768, 1e-2 },
        { "q5_k", TensorType::Q5_K, 512, 1e-2 },
        { "q6_k", TensorType::Q6_K, 256, 1e-2 },
        { "q4_1", TensorType::Q4_1, 96, 1e-2 },
        { "q5_0", TensorType::Q5_0, 288, 1e-2 },
        { "q5_1", TensorType::Q5_1, 160, 1e-2 },
        { "iq4_nl", TensorType::IQ4_NL, 352, 1e-2 },
        { "q2_k", TensorType::Q2_K, 256, 1e-2 },
        { "q3_k", TensorType::Q3_K, 768, 1e-2 },
        { "iq4_xs", TensorType::IQ4_XS, 512, 1e-2 },
        { "iq3_s", TensorType::IQ3_S, 1280, 1e-2 },
    };
    for (const auto& c : cases)
        for (int tokens : { 1, 5, 70 })
            QTest::newRow(qPrintable(QString("%1 x%2").arg(c.name).arg(tokens)))
                << int(c.type) << c.cols << tokens << c.tol;
}

void TestCpuKernels::matmulAllTypes()
{
    QFETCH(int, type);
    QFETCH(int, cols);
    QFETCH(int, tokens);
    QFETCH(double, tolerance);
    std::mt19937 rng(uint32_t(type * 1000 + tokens));
    const uint32_t rows = 37;
    const auto bytes = randomMatrix(TensorType(type), rows, uint32_t(cols), rng);
    TensorView w { TensorType(type), bytes.data(), rows, uint32_t(cols),
        rowBytes(TensorType(type), uint32_t(cols)) };
    const auto x = randomFloats(size_t(tokens) * cols, rng);

    ThreadPool pool(2);
    std::vector<float> out(size_t(tokens) * rows, NAN), single(out.size(), NAN);
    matmul(w, x.data(), uint32_t(tokens), out.data(), &pool);
    matmul(w, x.data(), uint32_t(tokens), single.data(), nullptr);

    std::vector<float> row(cols);
    for (uint32_t r = 0; r < rows; ++r) {
        dequantize(w.type, w.row(r), row.data(), uint32_t(cols));
        for (int t = 0; t < tokens; ++t) {
            double ref = 0, magnitude = 0;
            for (int i = 0; i < cols; ++i) {
                ref += double(row[i]) * x[size_t(t) * cols + i];
                magnitude += std::fabs(double(row[i]) * x[size_t(t) * cols + i]);
            }
            const float got = out[size_t(t) * rows + r];
            QVERIFY2(std::fabs(got - ref) <= tolerance * magnitude + 1e-6,
                qPrintable(QString("row %1 token %2: %3 vs %4").arg(r).arg(t).arg(got).arg(ref)));
            QCOMPARE(single[size_t(t) * rows + r], got); // threads do not change the result
        }
    }
}

void TestCpuKernels::matmulManyEqualsSeparateCalls()
{
    // Three weights of different types and heights over one input, in one dispatch.
    std::mt19937 rng(6);
    const uint32_t cols = 512, tokens = 9;
    const TensorType types[] = { TensorType::Q4_0, TensorType::Q6_K, TensorType::F16 };
    const uint32_t heights[] = { 37, 5, 70 };
    std::vector<std::vector<uint8_t>> bytes;
    std::vector<TensorView> views;
    for (int j = 0; j < 3; ++j) {
        bytes.push_back(randomMatrix(types[j], heights[j], cols, rng));
        views.push_back({ types[j], bytes.back().data(), heights[j], cols, rowBytes(types[j], cols) });
    }
    const auto x = randomFloats(size_t(tokens) * cols, rng);
    std::vector<std::vector<float>> together(3), apart(3);
    std::vector<MatmulJob> jobs;
    for (int j = 0; j < 3; ++j) {
        together[j].assign(size_t(tokens) * heights[j], NAN);
        apart[j].assign(size_t(tokens) * heights[j], NAN);
        jobs.push_back({ &views[j], together[j].data() });
    }
    ThreadPool pool(2);
    matmulMany(jobs.data(), jobs.size(), x.data(), tokens, &pool);
    for (int j = 0; j < 3; ++j) {
        matmul(views[j], x.data(), tokens, apart[j].data(), nullptr);
        QCOMPARE(together[j], apart[j]);
    }
}

namespace {

// The panel types on odd shapes: two panels and five rows past them; widths of several blocks.
void addPanelRows()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("tokens");
    const struct {
        const char* name;
        TensorType type;
        int cols;
    } cases[] = {
        { "q4_0", TensorType::Q4_0, 224 },
        { "q8_0", TensorType::Q8_0, 160 },
        { "q4_1", TensorType::Q4_1, 96 },
        { "q5_0", TensorType::Q5_0, 288 },
        { "q5_1", TensorType::Q5_1, 160 },
        { "iq4_nl", TensorType::IQ4_NL, 224 },
        { "q4_k", TensorType::Q4_K, 768 },
        { "q5_k", TensorType::Q5_K, 768 },
        { "iq4_xs", TensorType::IQ4_XS, 512 },
        { "q6_k", TensorType::Q6_K, 512 },
    };
    for (const auto& c : cases)
        for (int tokens : { 1, 5, 8, 70 })
            QTest::newRow(qPrintable(QString("%1 x%2").arg(c.name).arg(tokens)))
                << int(c.type) << c.cols << tokens;
}

} // namespace

void TestCpuKernels::panelMatmulMatchesReference_data()
{
    addPanelRows();
}

void TestCpuKernels::panelMatmulMatchesReference()
{
    // matmul through the panels (the fastest kernel this CPU runs: AVX-512 VNNI where it has it,
    // else AVX2, else the portable panel loop) against double precision, as matmulAllTypes does for the rows.
    QFETCH(int, type);
    QFETCH(int, cols);
    QFETCH(int, tokens);
    std::mt19937 rng(uint32_t(type * 31 + cols + tokens));
    const uint32_t rows = 2 * cpu::kPanelRows + 5;
    const auto bytes = randomMatrix(TensorType(type), rows, uint32_t(cols), rng);
    TensorView w { TensorType(type), bytes.data(), rows, uint32_t(cols),
        rowBytes(TensorType(type), uint32_t(cols)) };
    ThreadPool pool(2);
    const PackedMatrix packed = cpu::packMatrix(w, &pool);
    QCOMPARE(packed.panels, 2u);
    const auto x = randomFloats(size_t(tokens) * cols, rng, -3, 3);
    std::vector<float> out(size_t(tokens) * rows, NAN), single(out.size(), NAN);
    matmul(w, x.data(), uint32_t(tokens), out.data(), &pool, &packed);
    matmul(w, x.data(), uint32_t(tokens), single.data(), nullptr, &packed);
    std::vector<float> row(cols);
    for (uint32_t r = 0; r < rows; ++r) {
        dequantize(w.type, w.row(r), row.data(), uint32_t(cols));
        for (int t = 0; t < tokens; ++t) {
            double ref = 0, magnitude = 0;
            for (int i = 0; i < cols; ++i) {
                ref += double(row[i]) * x[size_t(t) * cols + i];
                magnitude += std::fabs(double(row[i]) * x[size_t(t) * cols + i]);
            }
            const float got = out[size_t(t) * rows + r];
            QVERIFY2(std::fabs(got - ref) <= 1e-2 * magnitude + 1e-6,
                qPrintable(QString("row %1 token %2: %3 vs %4").arg(r).arg(t).arg(got).arg(ref)));
            QCOMPARE(single[size_t(t) * rows + r], got);
        }
    }
}

void TestCpuKernels::panelSimdMatchesPortable_data()
{
    addPanelRows();
}

void TestCpuKernels::panelSimdMatchesPortable()
{
    // The dispatching panel kernel (AVX-512 VNNI where the CPU has it, in tiles of eight tokens and a
    // remainder; AVX2 in tiles of four under test_cpu_kernels_avx2 or without AVX-512) and the portable
    // loop compute the same integer sums and the same fused multiply-adds: equal to the bit. (Under
    // test_cpu_kernels_portable both calls run the portable loop.)
    QFETCH(int, type);
    QFETCH(int, cols);
    QFETCH(int, tokens);
    std::mt19937 rng(uint32_t(type * 7 + cols + tokens));
    const uint32_t rows = 2 * cpu::kPanelRows;
    const auto bytes = randomMatrix(TensorType(type), rows, uint32_t(cols), rng);
    TensorView w { TensorType(type), bytes.data(), rows, uint32_t(cols),
        rowBytes(TensorType(type), uint32_t(cols)) };
    const PackedMatrix packed = cpu::packMatrix(w, nullptr);
    const auto x = randomFloats(size_t(tokens) * cols, rng, -3, 3);
    const bool k = !cpu::isQ8PanelType(TensorType(type));
    const uint32_t blocks = uint32_t(cols) / (k ? 256 : 32);
    std::vector<cpu::BlockQ8x> xq(size_t(tokens) * blocks);
    std::vector<cpu::BlockQ8K> xqk(size_t(tokens) * blocks);
    for (int t = 0; t < tokens; ++t) {
        if (k)
            cpu::quantizeRowQ8K(x.data() + size_t(t) * cols, xqk.data() + size_t(t) * blocks, uint32_t(cols));
        else
            cpu::quantizeRowQ8(x.data() + size_t(t) * cols, xq.data() + size_t(t) * blocks, uint32_t(cols));
    }
    for (uint32_t p = 0; p < packed.panels; ++p) {
        std::vector<float> simd(size_t(tokens) * cpu::kPanelRows, NAN), portable(simd.size(), NAN);
        if (k) {
            cpu::panelDotQ8K(packed, p, xqk.data(), blocks, uint32_t(tokens), simd.data(), cpu::kPanelRows);
            cpu::panelDotQ8KPortable(
                packed, p, xqk.data(), blocks, uint32_t(tokens), portable.data(), cpu::kPanelRows);
        } else {
            cpu::panelDotQ8(packed, p, xq.data(), blocks, uint32_t(tokens), simd.data(), cpu::kPanelRows);
            cpu::panelDotQ8Portable(
                packed, p, xq.data(), blocks, uint32_t(tokens), portable.data(), cpu::kPanelRows);
        }
        QCOMPARE(simd, portable);
    }
}

void TestCpuKernels::quantizeSimdMatchesPortable()
{
    // The activation quantizers on this CPU's path against their definition (ggml's), on values with
    // ties and zeros: the same bytes, scales and sums.
    std::mt19937 rng(8);
    const uint32_t n = 512;
    auto x = randomFloats(n, rng, -5, 5);
    for (uint32_t i = 0; i < 32; ++i)
        x[i] = 0; // an all-zero block
    x[40] = 2.5f, x[41] = -2.5f, x[42] = 5.0f; // rounding ties
    std::vector<cpu::BlockQ8x> q8(n / 32);
    cpu::quantizeRowQ8(x.data(), q8.data(), n);
    for (uint32_t b = 0; b < n / 32; ++b) {
        float amax = 0;
        for (uint32_t j = 0; j < 32; ++j)
            amax = std::max(amax, std::fabs(x[b * 32 + j]));
        QCOMPARE(q8[b].d, f16ToF32(f32ToF16(amax / 127.0f)));
        const float id = amax != 0 ? 127.0f / amax : 0.0f;
        int32_t sum = 0;
        for (uint32_t j = 0; j < 32; ++j) {
            QCOMPARE(int(q8[b].qs[j]), int(std::nearbyint(x[b * 32 + j] * id)));
            sum += q8[b].qs[j];
        }
        QCOMPARE(q8[b].sum, sum);
    }
    std::vector<cpu::BlockQ8K> q8k(n / 256);
    cpu::quantizeRowQ8K(x.data(), q8k.data(), n);
    for (uint32_t b = 0; b < n / 256; ++b) {
        float amax = 0;
        for (uint32_t j = 0; j < 256; ++j)
            amax = std::max(amax, std::fabs(x[b * 256 + j]));
        QCOMPARE(q8k[b].d, amax / 127.0f);
        const float id = amax != 0 ? 127.0f / amax : 0.0f;
        for (uint32_t j = 0; j < 256; ++j)
            QCOMPARE(int(q8k[b].qs[j]), int(std::nearbyint(x[b * 256 + j] * id)));
        for (uint32_t h = 0; h < 16; ++h) {
            int sum = 0;
            for (uint32_t j = 16 * h; j < 16 * h + 16; ++j)
                sum += q8k[b].qs[j];
            QCOMPARE(int(q8k[b].halfSums[h]), sum);
        }
    }
}

void TestCpuKernels::lowBitSimdMatchesPortable_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("tokens");
    for (const auto& [name, type] : { std::pair { "q2_k", TensorType::Q2_K },
             std::pair { "q3_k", TensorType::Q3_K }, std::pair { "iq3_s", TensorType::IQ3_S } })
        for (const auto& [cols, tokens] :
            { std::pair { 256, 1 }, std::pair { 768, 7 }, std::pair { 1280, 9 } })
            QTest::newRow(qPrintable(QString("%1 %2x%3").arg(name).arg(cols).arg(tokens)))
                << int(type) << cols << tokens;
}

void TestCpuKernels::lowBitSimdMatchesPortable()
{
    // The dispatching loop (AVX2 where the CPU has it, in tiles of four tokens and a remainder) and
    // the portable integer loop compute the same integer sums; only the float accumulation differs.
    // (Without AVX2 both calls run the portable loop.)
    QFETCH(int, type);
    QFETCH(int, cols);
    QFETCH(int, tokens);
    std::mt19937 rng(uint32_t(type * 7919 + cols + tokens));
    const uint32_t rows = 5, nb = uint32_t(cols) / 256;
    const auto bytes = randomMatrix(TensorType(type), rows, uint32_t(cols), rng);
    const size_t rowSize = rowBytes(TensorType(type), uint32_t(cols));
    const auto x = randomFloats(size_t(tokens) * cols, rng, -3, 3);
    std::vector<cpu::BlockQ8K> xq(size_t(tokens) * nb);
    for (int t = 0; t < tokens; ++t)
        cpu::quantizeRowQ8K(x.data() + size_t(t) * cols, xq.data() + size_t(t) * nb, uint32_t(cols));
    for (uint32_t r = 0; r < rows; ++r) {
        std::vector<float> simd(tokens, NAN), portable(tokens, NAN);
        const uint8_t* row = bytes.data() + r * rowSize;
        cpu::rowDotLowBitQ8K(
            TensorType(type), row, uint32_t(cols), xq.data(), nb, uint32_t(tokens), simd.data(), 1);
        cpu::rowDotLowBitQ8KPortable(
            TensorType(type), row, uint32_t(cols), xq.data(), nb, uint32_t(tokens), portable.data(), 1);
        for (int t = 0; t < tokens; ++t)
            QVERIFY2(std::fabs(simd[t] - portable[t]) <= 1e-5f * (std::fabs(portable[t]) + 1.f),
                qPrintable(QString("row %1 token %2: %3 vs %4").arg(r).arg(t).arg(simd[t]).arg(portable[t])));
    }
}

void TestCpuKernels::rmsNormMatches()
{
    std::mt19937 rng(1);
    const uint32_t n = 67, rows = 3;
    const auto x = randomFloats(n * rows, rng, -3, 3), weight = randomFloats(n, rng);
    std::vector<float> out(n * rows);
    rmsNorm(out.data(), x.data(), weight.data(), n, rows, 1e-5f);
    for (uint32_t r = 0; r < rows; ++r) {
        double sum = 0;
        for (uint32_t i = 0; i < n; ++i)
            sum += double(x[r * n + i]) * x[r * n + i];
        const double scale = 1 / std::sqrt(sum / n + 1e-5);
        for (uint32_t i = 0; i < n; ++i)
            QVERIFY(std::fabs(out[r * n + i] - x[r * n + i] * scale * weight[i]) < 1e-5);
    }
}

void TestCpuKernels::ropeMatches()
{
    std::mt19937 rng(2);
    const uint32_t heads = 3, hd = 64, pos = 4097;
    const float base = 500000.0f;
    auto x = randomFloats(heads * hd, rng);
    const auto original = x;
    const auto factors = randomFloats(hd / 2, rng, 1, 8);
    rope(x.data(), heads, hd, pos, base, factors.data());
    for (uint32_t h = 0; h < heads; ++h)
        for (uint32_t i = 0; i < hd / 2; ++i) {
            const double theta = pos * std::pow(double(base), -2.0 * i / hd) / factors[i];
            const double x0 = original[h * hd + 2 * i], x1 = original[h * hd + 2 * i + 1];
            QVERIFY(std::fabs(x[h * hd + 2 * i] - (x0 * std::cos(theta) - x1 * std::sin(theta))) < 1e-4);
            QVERIFY(std::fabs(x[h * hd + 2 * i + 1] - (x0 * std::sin(theta) + x1 * std::cos(theta))) < 1e-4);
        }
}

void TestCpuKernels::attentionMatches_data()
{
    QTest::addColumn<bool>("f16");
    QTest::addColumn<int>("heads");
    QTest::addColumn<int>("kvHeads");
    QTest::addColumn<int>("headDim");
    QTest::addColumn<int>("startPos");
    QTest::addColumn<int>("tokens");
    QTest::newRow("f32 cache") << false << 6 << 2 << 24 << 5 << 3;
    QTest::newRow("f16 cache") << true << 6 << 2 << 24 << 5 << 3;
    // Several tiles of 64 positions, runs of 8 tokens, the causal edge inside a tile.
    QTest::newRow("f32, 151 positions") << false << 8 << 2 << 64 << 130 << 21;
    QTest::newRow("f16, 151 positions") << true << 8 << 2 << 64 << 130 << 21;
    QTest::newRow("f16, head 128, one kv head") << true << 4 << 1 << 128 << 60 << 9;
    QTest::newRow("f16, head 20 (no 8-wide tail)") << true << 6 << 3 << 20 << 70 << 10;
    QTest::newRow("f16, decode at 300") << true << 8 << 2 << 64 << 300 << 1;
    QTest::newRow("f32, prefill from 0") << false << 4 << 4 << 32 << 0 << 70;
}

void TestCpuKernels::attentionMatches()
{
    QFETCH(bool, f16);
    QFETCH(int, heads);
    QFETCH(int, kvHeads);
    QFETCH(int, headDim);
    QFETCH(int, startPos);
    QFETCH(int, tokens);
    std::mt19937 rng(3);
    const AttentionShape shape { uint32_t(heads), uint32_t(kvHeads), uint32_t(headDim) };
    const uint32_t nTokens = uint32_t(tokens), positions = uint32_t(startPos) + nTokens;
    const uint32_t kvDim = shape.kvHeadCount * shape.headDim, qDim = shape.headCount * shape.headDim;
    // Large scores (x4) exercise the max-subtracted softmax.
    const auto q = randomFloats(nTokens * qDim, rng, -4, 4);
    auto k = randomFloats(positions * kvDim, rng, -4, 4), v = randomFloats(positions * kvDim, rng);
    std::vector<uint16_t> k16(k.size()), v16(v.size());
    toF16(k16.data(), k.data(), uint32_t(k.size()));
    toF16(v16.data(), v.data(), uint32_t(v.size()));
    if (f16) // the reference sees the values the cache holds
        for (size_t i = 0; i < k.size(); ++i) {
            k[i] = f16ToF32(k16[i]);
            v[i] = f16ToF32(v16[i]);
        }
    KvView kv { f16 ? static_cast<const void*>(k16.data()) : k.data(), f16, kvDim };
    KvView vv { f16 ? static_cast<const void*>(v16.data()) : v.data(), f16, kvDim };
    std::vector<float> out(nTokens * qDim);
    ThreadPool pool(2);
    attention(shape, q.data(), kv, vv, uint32_t(startPos), nTokens, out.data(), &pool);

    const uint32_t group = shape.headCount / shape.kvHeadCount;
    for (uint32_t t = 0; t < nTokens; ++t)
        for (uint32_t h = 0; h < shape.headCount; ++h) {
            const uint32_t length = uint32_t(startPos) + t + 1, kvh = h / group;
            std::vector<double> s(length);
            double maxScore = -1e300, sum = 0;
            for (uint32_t p = 0; p < length; ++p) {
                double dot = 0;
                for (uint32_t i = 0; i < shape.headDim; ++i)
                    dot += double(q[t * qDim + h * shape.headDim + i])
                        * k[p * kvDim + kvh * shape.headDim + i];
                s[p] = dot / std::sqrt(double(shape.headDim));
                maxScore = std::max(maxScore, s[p]);
            }
            for (double& e : s)
                sum += (e = std::exp(e - maxScore));
            for (uint32_t i = 0; i < shape.headDim; ++i) {
                double ref = 0;
                for (uint32_t p = 0; p < length; ++p)
                    ref += s[p] / sum * v[p * kvDim + kvh * shape.headDim + i];
                QVERIFY(std::fabs(out[t * qDim + h * shape.headDim + i] - ref) < 1e-5);
            }
        }
}

void TestCpuKernels::swigluAndAdd()
{
    std::mt19937 rng(4);
    const uint32_t n = 101;
    const auto gate = randomFloats(n, rng, -6, 6), up = randomFloats(n, rng);
    std::vector<float> out(n);
    swiglu(out.data(), gate.data(), up.data(), n);
    for (uint32_t i = 0; i < n; ++i)
        QVERIFY(std::fabs(out[i] - gate[i] / (1 + std::exp(-double(gate[i]))) * up[i]) < 1e-6);
    auto sum = out;
    add(sum.data(), up.data(), n);
    for (uint32_t i = 0; i < n; ++i)
        QCOMPARE(sum[i], out[i] + up[i]);
}

void TestCpuKernels::embeddingLookupDequantizes()
{
    std::mt19937 rng(5);
    const auto bytes = randomMatrix(TensorType::Q6_K, 9, 512, rng);
    TensorView table { TensorType::Q6_K, bytes.data(), 9, 512, rowBytes(TensorType::Q6_K, 512) };
    std::vector<float> out(512), ref(512);
    embeddingLookup(table, 7, out.data());
    dequantize(TensorType::Q6_K, table.row(7), ref.data(), 512);
    QCOMPARE(out, ref);
}

void TestCpuKernels::threadPoolCoversRange()
{
    ThreadPool pool(3);
    for (uint32_t count : { 1u, 7u, 1000u, 4097u }) {
        std::vector<std::atomic<int>> hits(count);
        pool.parallelFor(count, 4, [&](uint32_t begin, uint32_t end) {
            for (uint32_t i = begin; i < end; ++i)
                hits[i].fetch_add(1);
        });
        for (uint32_t i = 0; i < count; ++i)
            QCOMPARE(hits[i].load(), 1);
    }
}

QTEST_GUILESS_MAIN(TestCpuKernels)
#include "test_cpu_kernels.moc"
