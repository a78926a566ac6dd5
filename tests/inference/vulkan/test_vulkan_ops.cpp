// The weight products (and the embedding lookup) against their CPU twins (double-precision loops over
// the foundation's dequantize()) on random inputs, for every weight type, across shapes: rows that
// are not a multiple of the workgroup, one token, a full 512-token batch; and a 128,256 x 2,048
// matrix split across storage buffers. The operations without weights: test_vulkan_layer_ops.cpp.
#include "quant/dequant.h"
#include "quant/quantize.h"
#include "shared_data.h"
#include "vk_harness.h"
#include "vk_test_data.h"
#include "vulkan/attention.h"
#include "vulkan/ops.h"
#include "vulkan/products.h"
#include "vulkan/products_norm.h"
#include "vulkan/vulkan_model.h"
#include "vulkan/weights.h"

#include <QTest>
#include <cmath>
#include <random>

using namespace hearth;
using namespace hearth::vk;
using hearth::test::VkHarness;
using namespace hearth::test;

Q_DECLARE_METATYPE(hearth::TensorType)

namespace {

// The weight types of the typed tests. On lavapipe with an empty shader cache most of the time is the
// compiling of each type's shaders at their first dispatch, so the types are split over two binaries
// of this source, each within its ctest timeout: test_vulkan_ops runs the first eight,
// test_vulkan_ops_more_types (HEARTH_VK_OPS_MORE_TYPES) the next five, test_vulkan_ops_low_bit_types
// (HEARTH_VK_OPS_LOW_BIT_TYPES) the 2- and 3-bit types.
#if defined(HEARTH_VK_OPS_LOW_BIT_TYPES)
const TensorType kTypes[] = { TensorType::Q2_K, TensorType::Q3_K, TensorType::IQ3_S };
#elif defined(HEARTH_VK_OPS_MORE_TYPES)
const TensorType kTypes[]
    = { TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::IQ4_NL, TensorType::IQ4_XS };
#else
const TensorType kTypes[] = { TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q4_0,
    TensorType::Q8_0, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K };
#endif

// mul_mat_vec_cpu.comp's run: the fewest whole blocks that fill a multiple of 16 bytes (products_cpu.cpp).
uint32_t cpuRun(TensorType type)
{
    switch (type) {
    case TensorType::Q6_K:
    case TensorType::Q3_K:
    case TensorType::IQ3_S:
        return 2048;
    case TensorType::Q2_K:
        return 1024;
    case TensorType::IQ4_XS:
        return 512;
    default:
        return 256;
    }
}

// Float rows may be any multiple of 4 long; quantized ones are whole blocks.
bool isFloat(TensorType type)
{
    return type == TensorType::F32 || type == TensorType::F16 || type == TensorType::BF16;
}

} // namespace

class TestVulkanOps : public QObject {
    Q_OBJECT

private slots:
    void matmul_data();
    void matmul();
    void cpuMatmul_data();
    void cpuMatmul();
    void swigluMatVec_data();
    void swigluMatVec();
    void normedRopeProduct_data();
    void normedRopeProduct();
    void embed_data();
    void embed();
    void splitLargeMatrix();
    void productMatVec_data();
    void productMatVec();
    void productSwiglu_data();
    void productSwiglu();
    void normedProduct_data();
    void normedProduct();
    void cleanupTestCase();
};

void TestVulkanOps::matmul_data()
{
    QTest::addColumn<TensorType>("type");
    QTest::addColumn<uint32_t>("rows");
    QTest::addColumn<uint32_t>("cols");
    QTest::addColumn<uint32_t>("tokens");
    QTest::addColumn<bool>("wide");
    for (TensorType type : kTypes) {
        const std::string name(typeName(type));
        // mat-vec: one token, odd row counts; tiled: 8, 65 and 512 tokens, partial tiles.
        QTest::addRow("%s-1tok-67x256", name.c_str()) << type << 67u << 256u << 1u << false;
        QTest::addRow("%s-3tok-129x768", name.c_str()) << type << 129u << 768u << 3u << false;
        QTest::addRow("%s-8tok-65x512", name.c_str()) << type << 65u << 512u << 8u << false;
        QTest::addRow("%s-65tok-130x256", name.c_str()) << type << 130u << 256u << 65u << false;
        if (isFloat(type))
            QTest::addRow("%s-5tok-33x172", name.c_str()) << type << 33u << 172u << 5u << false;
        if (typeTraits(uint32_t(type))->blockElements == 32) // 5 blocks: no whole 128 or 256 chunk
            QTest::addRow("%s-3tok-67x160", name.c_str()) << type << 67u << 160u << 3u << false;
        if (type == TensorType::Q4_0 || type == TensorType::Q4_K) {
            QTest::addRow("%s-512tok-96x256", name.c_str()) << type << 96u << 256u << 512u << false;
            QTest::addRow("%s-512tok-96x256-wide", name.c_str()) << type << 96u << 256u << 512u << true;
        }
        // The 128 x 128 tile: partial in rows and tokens, one tile, several of each.
        QTest::addRow("%s-65tok-130x256-wide", name.c_str()) << type << 130u << 256u << 65u << true;
        QTest::addRow("%s-200tok-300x512-wide", name.c_str()) << type << 300u << 512u << 200u << true;
        if (isFloat(type))
            QTest::addRow("%s-9tok-33x172-wide", name.c_str()) << type << 33u << 172u << 9u << true;
    }
}

void TestVulkanOps::matmul()
{
    QFETCH(TensorType, type);
    QFETCH(uint32_t, rows);
    QFETCH(uint32_t, cols);
    QFETCH(uint32_t, tokens);
    QFETCH(bool, wide);
    HEARTH_VK_HARNESS(h);
    const TestMatrix w = randomMatrix(type, rows, cols, rows * 7 + cols);
    const std::vector<float> x = randomFloats(size_t(tokens) * cols, 11);
    const std::vector<float> y0 = randomFloats(size_t(tokens) * rows, 13);
    std::vector<double> ref = referenceMatmul(w.values, x, rows, cols, tokens);
    for (size_t i = 0; i < ref.size(); ++i)
        ref[i] += y0[i]; // accumulate = 1: the fused residual add

    const Buffer wb = h->upload(w.bytes);
    const Buffer xb = h->upload(x);
    const Buffer yb = h->upload(y0);
    QVERIFY(h->recorder->begin().ok());
    if (tokens < 8) {
        const MatVecPush push { rows, cols, 0, cols, 0, rows, 1, 0 };
        h->recorder->dispatch(pipelineFor(Op::MatVec, type), { whole(wb), whole(xb), whole(yb) }, push,
            ceilDiv(rows, h->pipelines->matVecRows()), tokens);
    } else {
        const MatMulPush push { rows, cols, tokens, 0, cols, 0, rows, 1 };
        const uint32_t tile = wide ? kMatMulWideTile : kMatMulTile;
        h->recorder->dispatch(pipelineFor(wide ? Op::MatMulWide : Op::MatMul, type),
            { whole(wb), whole(xb), whole(yb) }, push, ceilDiv(rows, tile), ceilDiv(tokens, tile));
    }
    QVERIFY(h->recorder->submitAndWait().ok());
    verifyAgainstTwin(*h, yb, ref);
}

// mul_mat_cpu (the batched product on CPU devices), through recordProduct as the forward pass runs
// it: rows not a multiple of 8, partial token groups, several activation chunks, rows split over
// workgroups (few tokens) or not (many), overwrite and accumulate.
void TestVulkanOps::cpuMatmul_data()
{
    QTest::addColumn<TensorType>("type");
    QTest::addColumn<uint32_t>("rows");
    QTest::addColumn<uint32_t>("cols");
    QTest::addColumn<uint32_t>("tokens");
    QTest::addColumn<bool>("accumulate");
    for (TensorType type : kTypes) {
        const std::string name(typeName(type));
        QTest::addRow("%s-8tok-65x512", name.c_str()) << type << 65u << 512u << 8u << true;
        QTest::addRow("%s-37tok-130x256", name.c_str()) << type << 130u << 256u << 37u << false;
        QTest::addRow("%s-130tok-24x768", name.c_str()) << type << 24u << 768u << 130u << true;
    }
}

void TestVulkanOps::cpuMatmul()
{
    QFETCH(TensorType, type);
    QFETCH(uint32_t, rows);
    QFETCH(uint32_t, cols);
    QFETCH(uint32_t, tokens);
    QFETCH(bool, accumulate);
    HEARTH_VK_HARNESS(h);
    const TestMatrix w = randomMatrix(type, rows, cols, rows * 5 + cols);
    const std::vector<float> x = randomFloats(size_t(tokens) * cols, 17);
    const std::vector<float> y0 = randomFloats(size_t(tokens) * rows, 19);
    std::vector<double> ref = referenceMatmul(w.values, x, rows, cols, tokens);
    if (accumulate)
        for (size_t i = 0; i < ref.size(); ++i)
            ref[i] += y0[i];

    const GpuMatrix gw = uploadPieces(*h, type, w, rows, cols, 1);
    const Buffer xb = h->upload(x);
    const Buffer yb = h->upload(y0);
    ProductPolicy policy = productPolicy(*h->device, *h->pipelines);
    policy.cpuTiledMatMul = true; // on any device: the shader is plain Vulkan
    h->recorder->setProfiling(true); // to see which shader ran, where the device has timestamps
    const bool profiled = h->recorder->profiler() != nullptr;
    QVERIFY(h->recorder->begin().ok());
    recordProduct(*h->recorder, policy, gw, { xb, 0, cols }, tokens, { yb, 0, rows }, accumulate);
    QVERIFY(h->recorder->submitAndWait().ok());
    const bool cpuShader = profiled && ranShader(*h, "mul_mat_cpu_");
    h->recorder->setProfiling(false);
    if (profiled) QVERIFY(cpuShader);
    verifyAgainstTwin(*h, yb, ref);
}

void TestVulkanOps::swigluMatVec_data()
{
    QTest::addColumn<TensorType>("type");
    for (TensorType type : kTypes)
        QTest::newRow(std::string(typeName(type)).c_str()) << type;
}

void TestVulkanOps::swigluMatVec()
{
    // h[r] = silu(gate[r] . x) * (up[r] . x), gate rows then up rows stacked in one matrix.
    QFETCH(TensorType, type);
    HEARTH_VK_HARNESS(h);
    const uint32_t ffn = 97, cols = 512, tokens = 2;
    const TestMatrix w = randomMatrix(type, 2 * ffn, cols, 5);
    const std::vector<float> x = randomFloats(size_t(tokens) * cols, 6, 0.1f);
    const std::vector<double> gu = referenceMatmul(w.values, x, 2 * ffn, cols, tokens);
    std::vector<double> ref(size_t(tokens) * ffn);
    for (uint32_t t = 0; t < tokens; ++t)
        for (uint32_t r = 0; r < ffn; ++r) {
            const double g = gu[t * 2 * ffn + r];
            ref[t * ffn + r] = g / (1 + std::exp(-g)) * gu[t * 2 * ffn + ffn + r];
        }
    const Buffer wb = h->upload(w.bytes);
    const Buffer xb = h->upload(x);
    const Buffer yb = h->zeros(ref.size() * 4);
    QVERIFY(h->recorder->begin().ok());
    const MatVecPush push { ffn, cols, 0, cols, 0, ffn, 0, ffn };
    h->recorder->dispatch(pipelineFor(Op::MatVecSwiglu, type), { whole(wb), whole(xb), whole(yb) }, push,
        ceilDiv(ffn, h->pipelines->matVecRows()), tokens);
    QVERIFY(h->recorder->submitAndWait().ok());
    verifyAgainstTwin(*h, yb, ref);
}

void TestVulkanOps::normedRopeProduct_data()
{
    QTest::addColumn<TensorType>("qkType");
    QTest::addColumn<TensorType>("vType");
    QTest::newRow("f32") << TensorType::F32 << TensorType::F32;
    QTest::newRow("q4_k+q6_k") << TensorType::Q4_K << TensorType::Q6_K;
    QTest::newRow("q4_0+q8_0") << TensorType::Q4_0 << TensorType::Q8_0;
}

void TestVulkanOps::normedRopeProduct()
{
    // mul_mat_vec_norm_rope: q|k|v = W rmsNorm(x), rotated and stored as rope_store does, for 2 tokens
    // at positions 1000.. (4 q heads / 2 kv heads of 64). W comes as two products, q|k and v, as when
    // their types differ, so the second starts at a row offset.
    QFETCH(TensorType, qkType);
    QFETCH(TensorType, vType);
    HEARTH_VK_HARNESS(h);
    const uint32_t tokens = 2, startPos = 1000, headDim = 64, qDim = 4 * headDim, kvDim = 2 * headDim;
    const uint32_t ctx = 1024, width = qDim + 2 * kvDim, cols = 512;
    const float base = 500000.0f, eps = 1e-5f;
    const TestMatrix qk = randomMatrix(qkType, qDim + kvDim, cols, 41),
                     v = randomMatrix(vType, kvDim, cols, 42);
    const std::vector<float> x = randomFloats(size_t(tokens) * cols, 43, 3.0f), g = randomFloats(cols, 44);
    const std::vector<float> factors = testRopeFactors(headDim);
    // Twin: qkv = [qk; v] (rmsNorm(x) * g) in double, then ropeStoreErrors.
    const std::vector<float> normed = rmsNormed(x, g, cols, tokens, eps);
    const std::vector<double> qkRef = referenceMatmul(qk.values, normed, qDim + kvDim, cols, tokens);
    const std::vector<double> vRef = referenceMatmul(v.values, normed, kvDim, cols, tokens);
    std::vector<float> qkv(size_t(tokens) * width);
    for (uint32_t t = 0; t < tokens; ++t)
        for (uint32_t r = 0; r < width; ++r)
            qkv[t * width + r] = float(
                r < qDim + kvDim ? qkRef[t * (qDim + kvDim) + r] : vRef[t * kvDim + r - qDim - kvDim]);

    const Buffer qkb = h->upload(qk.bytes), vwb = h->upload(v.bytes), xb = h->upload(x), gb = h->upload(g);
    const Buffer qb = h->zeros(tokens * qDim * 4), kc = h->zeros(ctx * kvDim * 2),
                 vc = h->zeros(ctx * kvDim * 2);
    const Buffer fb = h->upload(factors);
    const StepParams step { startPos };
    const Buffer sb = h->upload(&step, sizeof(step));
    const GpuMatrix qkMatrix { qkType, qDim + kvDim, cols, rowBytes(qkType, cols),
        { { whole(qkb), 0, qDim + kvDim } } };
    const GpuMatrix vMatrix { vType, kvDim, cols, rowBytes(vType, cols), { { whole(vwb), 0, kvDim } } };
    const GpuMatrix weight { TensorType::F32, 1, cols, cols * 4, { { whole(gb), 0, 1 } } };
    ProductPolicy policy = productPolicy(*h->device, *h->pipelines);
    policy.cpuDevice = false; // the GPU's choice, which is where the fused shader runs
    policy.cpuMatVec = false;
    QVERIFY(fusesRope(policy, tokens));
    const RopeStoreArgs rope { qb, kc, vc, whole(fb), sb, qDim, kvDim, headDim, base, true };
    QVERIFY(h->recorder->begin().ok());
    recordNormedRopeProduct(
        *h->recorder, policy, qkMatrix, { weight, eps }, { xb, 0, cols }, tokens, 0, rope);
    recordNormedRopeProduct(
        *h->recorder, policy, vMatrix, { weight, eps }, { xb, 0, cols }, tokens, qDim + kvDim, rope);
    QVERIFY(h->recorder->submitAndWait().ok());
    const RopeErrors e = ropeStoreErrors(qkv, tokens, startPos, qDim, kvDim, headDim, base, factors,
        h->read<float>(qb, tokens * qDim), h->read<uint16_t>(kc, ctx * kvDim),
        h->read<uint16_t>(vc, ctx * kvDim));
    // ropeStore's bounds (for values up to 1) relative to the largest value: f32 angles at position
    // ~1000 lose ~1e-4 rad, and f16 keeps 11 bits.
    double largest = 0;
    for (float value : qkv)
        largest = std::max(largest, double(std::fabs(value)));
    QVERIFY2(e.q < 2e-3 * largest, qPrintable(QString("q error %1 (values up to %2)").arg(e.q).arg(largest)));
    QVERIFY2(e.k < 5e-3 * largest, qPrintable(QString("k error %1 (values up to %2)").arg(e.k).arg(largest)));
    QVERIFY2(e.v < 5e-3 * largest, qPrintable(QString("v error %1 (values up to %2)").arg(e.v).arg(largest)));
}

void TestVulkanOps::embed_data()
{
    QTest::addColumn<TensorType>("type");
    for (TensorType type : kTypes)
        QTest::newRow(std::string(typeName(type)).c_str()) << type;
}

void TestVulkanOps::embed()
{
    // A 50-row table looked up as a piece holding rows 10..49 (tokens outside it are left alone).
    QFETCH(TensorType, type);
    HEARTH_VK_HARNESS(h);
    const uint32_t rows = 50, cols = 512, begin = 10;
    const TestMatrix table = randomMatrix(type, rows, cols, 41);
    const std::vector<int32_t> tokens = { 12, 3, 49, 10 };
    const size_t rb = rowBytes(type, cols);
    const Buffer tb = h->upload(table.bytes.data() + begin * rb, (rows - begin) * rb);
    const Buffer ib = h->upload(tokens);
    std::vector<float> sentinel(tokens.size() * cols, -7.0f);
    const Buffer yb = h->upload(sentinel);
    QVERIFY(h->recorder->begin().ok());
    h->recorder->dispatch(pipelineFor(Op::Embed, type), { whole(tb), whole(ib), whole(yb) },
        EmbedPush { cols, begin, rows - begin, cols }, ceilDiv(cols / 4, kEmbedGroup),
        uint32_t(tokens.size()));
    QVERIFY(h->recorder->submitAndWait().ok());
    const auto y = h->read<float>(yb, sentinel.size());
    for (size_t t = 0; t < tokens.size(); ++t)
        for (uint32_t i = 0; i < cols; ++i) {
            const float want
                = tokens[t] >= int32_t(begin) ? table.values[size_t(tokens[t]) * cols + i] : -7.0f;
            QCOMPARE(y[t * cols + i], want);
        }
}

void TestVulkanOps::splitLargeMatrix()
{
    // Llama 3's vocabulary at width 2048 in Q4_0 is 147 MiB, over lavapipe's 128 MiB storage-buffer
    // range: the weight store splits it, and the embedding lookup and the output product over the
    // pieces must equal the unsplit twin — including rows on both sides of the split.
    HEARTH_VK_HARNESS(h);
    const uint32_t rows = 128256, cols = 2048;
    const TensorType type = TensorType::Q4_0;
    const size_t rb = rowBytes(type, cols);
    // Random blocks: small positive scales, random nibbles (quantizing 262M floats would be slow).
    std::vector<uint8_t> bytes(rb * rows);
    std::mt19937 rng(61);
    for (size_t b = 0; b < bytes.size() / 18; ++b) {
        const uint16_t d = f32ToF16(0.001f + 0.01f * float(rng() % 100) / 100.0f);
        std::memcpy(&bytes[b * 18], &d, 2);
        for (int i = 2; i < 18; ++i)
            bytes[b * 18 + i] = uint8_t(rng());
    }
    const uint64_t limit = std::min<uint64_t>(h->device->maxStorageBufferRange(), 128ull << 20);
    WeightStore store(*h->device, *h->allocator, limit);
    const TensorView view { type, bytes.data(), rows, cols, rb };
    const size_t id = store.add({ view });
    QVERIFY(store.matrix(id).pieces.size() >= 2);
    QVERIFY(store.upload(*h->recorder, nullptr).ok());
    const GpuMatrix& m = store.matrix(id);
    const uint32_t split = m.pieces[1].rowBegin;

    const std::vector<int32_t> tokens = { 0, int32_t(split - 1), int32_t(split), int32_t(rows - 1) };
    const std::vector<float> x = randomFloats(cols, 62);
    const Buffer ib = h->upload(tokens), eb = h->zeros(tokens.size() * cols * 4);
    const Buffer xb = h->upload(x), yb = h->zeros(size_t(rows) * 4);
    QVERIFY(h->recorder->begin().ok());
    for (const MatrixPiece& piece : m.pieces) {
        h->recorder->dispatch(ShaderId::embed_q4_0, { piece.ref, whole(ib), whole(eb) },
            EmbedPush { cols, piece.rowBegin, piece.rowCount, cols }, ceilDiv(cols / 4, kEmbedGroup),
            uint32_t(tokens.size()));
        h->recorder->dispatch(ShaderId::mul_mat_vec_q4_0, { piece.ref, whole(xb), whole(yb) },
            MatVecPush { piece.rowCount, cols, 0, cols, piece.rowBegin, rows, 0, 0 },
            ceilDiv(piece.rowCount, h->pipelines->matVecRows()));
    }
    QVERIFY(h->recorder->submitAndWait().ok());
    const auto e = h->read<float>(eb, tokens.size() * cols);
    const auto y = h->read<float>(yb, rows);
    std::vector<float> row(cols);
    double err = 0, scale = 1e-30;
    for (uint32_t r = 0; r < rows; ++r) {
        dequantize(type, bytes.data() + r * rb, row.data(), cols);
        double s = 0;
        for (uint32_t k = 0; k < cols; ++k)
            s += double(row[k]) * x[k];
        err = std::max(err, std::fabs(y[r] - s));
        scale = std::max(scale, std::fabs(s));
        for (size_t t = 0; t < tokens.size(); ++t)
            if (uint32_t(tokens[t]) == r)
                for (uint32_t k = 0; k < cols; ++k)
                    QCOMPARE(e[t * cols + k], row[k]);
    }
    QVERIFY2(err / scale < 1e-5, qPrintable(QString("relative error %1").arg(err / scale)));
}

void TestVulkanOps::normedProduct_data()
{
    QTest::addColumn<TensorType>("type");
    QTest::addColumn<bool>("swiglu");
    for (TensorType type : kTypes) {
        QTest::addRow("%s", std::string(typeName(type)).c_str()) << type << false;
        QTest::addRow("%s-swiglu", std::string(typeName(type)).c_str()) << type << true;
    }
}

void TestVulkanOps::normedProduct()
{
    // mul_mat_vec_norm: y = W (rmsNorm(x) * g), and the SwiGLU form h = silu(gate . n) * (up . n), for 2
    // tokens read from an offset, against the norm and product in double.
    QFETCH(TensorType, type);
    QFETCH(bool, swiglu);
    HEARTH_VK_HARNESS(h);
    const uint32_t cols = 768, rows = swiglu ? 2 * 67 : 67, tokens = 2, xOffset = 16;
    const float eps = 1e-5f;
    const TestMatrix w = randomMatrix(type, rows, cols, 31);
    const std::vector<float> x = randomFloats(xOffset + size_t(tokens) * cols, 32, 3.0f);
    const std::vector<float> g = randomFloats(cols, 33);
    std::vector<float> normed(size_t(tokens) * cols);
    for (uint32_t t = 0; t < tokens; ++t) {
        double squares = 0;
        for (uint32_t k = 0; k < cols; ++k)
            squares += double(x[xOffset + t * cols + k]) * x[xOffset + t * cols + k];
        const double scale = 1.0 / std::sqrt(squares / cols + eps);
        for (uint32_t k = 0; k < cols; ++k)
            normed[t * cols + k] = float(x[xOffset + t * cols + k] * scale * g[k]);
    }
    const std::vector<double> products = referenceMatmul(w.values, normed, rows, cols, tokens);
    const uint32_t outRows = swiglu ? rows / 2 : rows;
    std::vector<double> ref(size_t(tokens) * outRows);
    for (uint32_t t = 0; t < tokens; ++t)
        for (uint32_t r = 0; r < outRows; ++r) {
            const double a = products[t * rows + r];
            ref[t * outRows + r] = swiglu ? a / (1 + std::exp(-a)) * products[t * rows + outRows + r] : a;
        }

    const Buffer wb = h->upload(w.bytes), xb = h->upload(x), gb = h->upload(g), yb = h->zeros(ref.size() * 4);
    GpuMatrix matrix { type, rows, cols, rowBytes(type, cols), { { whole(wb), 0, rows } } };
    GpuMatrix weight { TensorType::F32, 1, cols, cols * 4, { { whole(gb), 0, 1 } } };
    ProductPolicy policy = productPolicy(*h->device, *h->pipelines);
    QVERIFY(h->recorder->begin().ok());
    if (swiglu)
        QVERIFY(recordNormedSwigluProduct(*h->recorder, policy, matrix, { weight, eps },
            { xb, xOffset, cols }, tokens, { yb, 0, outRows }));
    else
        recordNormedProduct(
            *h->recorder, policy, matrix, { weight, eps }, { xb, xOffset, cols }, tokens, { yb, 0, outRows });
    QVERIFY(h->recorder->submitAndWait().ok());
    verifyAgainstTwin(*h, yb, ref);
}

void TestVulkanOps::productMatVec_data()
{
    QTest::addColumn<TensorType>("type");
    QTest::addColumn<uint32_t>("rows");
    QTest::addColumn<uint32_t>("cols");
    QTest::addColumn<uint32_t>("tokens");
    QTest::addColumn<uint32_t>("pieces");
    for (TensorType type : kTypes) {
        const std::string name(typeName(type));
        // Columns of 1, 3 and 8 runs of the CPU shader (cpuRun: 256 to 2048 elements),
        // rows that fill no workgroup evenly, 1-3 tokens, a matrix in pieces.
        const uint32_t run = cpuRun(type);
        QTest::addRow("%s-1tok-67x%u", name.c_str(), run) << type << 67u << run << 1u << 1u;
        QTest::addRow("%s-2tok-301x%u-3pieces", name.c_str(), 3 * run) << type << 301u << 3 * run << 2u << 3u;
        QTest::addRow("%s-3tok-130x%u", name.c_str(), 8 * run) << type << 130u << 8 * run << 3u << 1u;
    }
}

void TestVulkanOps::productMatVec()
{
    // recordProduct as the forward pass calls it (this device's policy, accumulate = 1).
    QFETCH(TensorType, type);
    QFETCH(uint32_t, rows);
    QFETCH(uint32_t, cols);
    QFETCH(uint32_t, tokens);
    QFETCH(uint32_t, pieces);
    HEARTH_VK_HARNESS(h);
    const TestMatrix w = randomMatrix(type, rows, cols, rows * 3 + cols);
    const std::vector<float> x = randomFloats(size_t(tokens) * cols, 21);
    const std::vector<float> y0 = randomFloats(size_t(tokens) * rows, 23);
    std::vector<double> ref = referenceMatmul(w.values, x, rows, cols, tokens);
    for (size_t i = 0; i < ref.size(); ++i)
        ref[i] += y0[i];
    const GpuMatrix g = uploadPieces(*h, type, w, rows, cols, pieces);
    const Buffer xb = h->upload(x), yb = h->upload(y0);
    const ProductPolicy policy = productPolicy(*h->device, *h->pipelines);
    h->recorder->setProfiling(true);
    QVERIFY(h->recorder->begin().ok());
    recordProduct(*h->recorder, policy, g, { xb, 0, cols }, tokens, { yb, 0, rows }, true);
    QVERIFY(h->recorder->submitAndWait().ok());
    const bool cpuShader = h->recorder->profiler() && ranShader(*h, "mul_mat_vec_cpu");
    h->recorder->setProfiling(false);
    QCOMPARE(cpuShader, policy.cpuMatVec); // on CPU devices whose subgroups hold its 8 lanes
    verifyAgainstTwin(*h, yb, ref);
}

void TestVulkanOps::productSwiglu_data()
{
    QTest::addColumn<TensorType>("type");
    QTest::addColumn<uint32_t>("ffn");
    QTest::addColumn<uint32_t>("cols");
    QTest::addColumn<uint32_t>("tokens");
    for (TensorType type : kTypes) {
        const uint32_t run = cpuRun(type);
        QTest::addRow("%s-1tok-97x%u", std::string(typeName(type)).c_str(), 2 * run)
            << type << 97u << 2 * run << 1u;
        QTest::addRow("%s-3tok-45x%u", std::string(typeName(type)).c_str(), 8 * run)
            << type << 45u << 8 * run << 3u;
    }
}

void TestVulkanOps::productSwiglu()
{
    // recordSwigluProduct: h[r] = silu(gate[r] . x) * (up[r] . x) from one stacked [gate; up] matrix.
    QFETCH(TensorType, type);
    QFETCH(uint32_t, ffn);
    QFETCH(uint32_t, cols);
    QFETCH(uint32_t, tokens);
    HEARTH_VK_HARNESS(h);
    const TestMatrix w = randomMatrix(type, 2 * ffn, cols, ffn + cols);
    const std::vector<float> x = randomFloats(size_t(tokens) * cols, 25, 0.1f);
    const std::vector<double> gu = referenceMatmul(w.values, x, 2 * ffn, cols, tokens);
    std::vector<double> ref(size_t(tokens) * ffn);
    for (uint32_t t = 0; t < tokens; ++t)
        for (uint32_t r = 0; r < ffn; ++r) {
            const double g = gu[t * 2 * ffn + r];
            ref[t * ffn + r] = g / (1 + std::exp(-g)) * gu[t * 2 * ffn + ffn + r];
        }
    const GpuMatrix g = uploadPieces(*h, type, w, 2 * ffn, cols, 1);
    const Buffer xb = h->upload(x), yb = h->zeros(ref.size() * 4);
    const ProductPolicy policy = productPolicy(*h->device, *h->pipelines);
    h->recorder->setProfiling(true);
    QVERIFY(h->recorder->begin().ok());
    QVERIFY(recordSwigluProduct(*h->recorder, policy, g, { xb, 0, cols }, tokens, { yb, 0, ffn }));
    QVERIFY(h->recorder->submitAndWait().ok());
    const bool cpuShader = h->recorder->profiler() && ranShader(*h, "mul_mat_vec_cpu");
    h->recorder->setProfiling(false);
    QCOMPARE(cpuShader, policy.cpuMatVec); // on CPU devices whose subgroups hold its 8 lanes
    verifyAgainstTwin(*h, yb, ref);
}

void TestVulkanOps::cleanupTestCase()
{
    // Under HEARTH_VULKAN_VALIDATION=1 the layers ran: they must have reported nothing.
    QVERIFY2(!validationLayerMissing(),
        "validation asked for, but its layer is not installed (vulkan-validationlayers)");
    QCOMPARE(validationMessageCount(), 0u);
}

QTEST_GUILESS_MAIN(TestVulkanOps)
#include "test_vulkan_ops.moc"
