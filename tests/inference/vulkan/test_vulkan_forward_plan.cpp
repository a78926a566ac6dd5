// The forward plan (forward_plan.h). Its builder is plain logic: for hand-made models (type mixes,
// split matrices) and device policies (a GPU, a GPU with integer dot products, lavapipe) the pipelines
// of each step are checked against the dispatches the forward pass recorded before the plan existed
// (its branching helpers, read and run on the tiny test models). Then on the device: what the forward
// pass records is, dispatch for dispatch, what the plan lists, and the decode step's counts of
// dispatches, barriers and bytes read agree with the plan and the model file.
#include "gguf/gguf.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "shared_data.h"
#include "vulkan/forward_plan.h"
#include "vulkan/vulkan_backend.h"
#include "vulkan/vulkan_model.h"
#include "vulkan/weights.h"

#include <QTest>
#include <algorithm>

using namespace hearth;
using namespace hearth::vk;

namespace {

constexpr uint64_t kMiB = 1ull << 20;

// A tiny Llama shape: dim 256, 8 heads of 32, 2 kv heads, ffn 768, vocabulary 1024.
LlamaConfig tinyConfig(uint32_t layers)
{
    LlamaConfig c;
    c.layerCount = layers;
    c.dim = 256;
    c.ffnDim = 768;
    c.headCount = 8;
    c.kvHeadCount = 2;
    c.headDim = 32;
    c.vocabSize = 1024;
    return c;
}

// Matrices placed as the weight store places them: pieces split by rows, 256-byte aligned offsets.
struct Matrices {
    std::vector<GpuMatrix> all;
    uint64_t offset = 0;

    size_t add(TensorType type, uint32_t rows, uint32_t cols, uint32_t pieces = 1)
    {
        const TypeTraits traits = *typeTraits(uint32_t(type));
        GpuMatrix m { type, rows, cols, uint64_t(cols) / traits.blockElements * traits.blockBytes, {} };
        const uint32_t perPiece = (rows + pieces - 1) / pieces;
        for (uint32_t r = 0; r < rows; r += perPiece) {
            const uint32_t count = std::min(perPiece, rows - r);
            const uint64_t bytes = count * m.rowBytes + kWeightPadding;
            m.pieces.push_back({ BufferRef { VK_NULL_HANDLE, offset, bytes }, r, count });
            offset = (offset + bytes + 255) / 256 * 256;
        }
        all.push_back(m);
        return all.size() - 1;
    }
};

// The layer kinds of a Q4_K_M file and the others the cases need.
enum class LayerMix {
    AllQ4K, // every matrix Q4_K: q|k|v and gate|up stacked
    Q6KMoreBits, // Q4_K_M's "more bits" layers: attn_v and ffn_down Q6_K, so q, k, v separate
    F16Value, // attn_v and ffn_down F16 (no integer-dot-product shader), the rest Q4_K
    Split, // Q4_K, attn_output in 2 pieces, gate and up separate (as when the stack does not fit a piece)
};

struct Model {
    LlamaConfig config;
    Matrices m;
    size_t embedding = 0, output = 0, outputNorm = 0;
    std::vector<LayerWeightIds> layers;

    PlanModel plan() const { return { config, m.all, embedding, output, outputNorm, layers, 64 * 64 * 2 }; }
};

Model makeModel(const std::vector<LayerMix>& mixes, uint32_t embeddingPieces = 1, uint32_t outputPieces = 1)
{
    Model model;
    model.config = tinyConfig(uint32_t(mixes.size()));
    const LlamaConfig& c = model.config;
    const uint32_t q = c.headCount * c.headDim, kv = c.kvHeadCount * c.headDim;
    Matrices& m = model.m;
    model.embedding = m.add(TensorType::Q4_K, c.vocabSize, c.dim, embeddingPieces);
    model.outputNorm = m.add(TensorType::F32, 1, c.dim);
    model.output = m.add(TensorType::Q6_K, c.vocabSize, c.dim, outputPieces);
    for (LayerMix mix : mixes) {
        LayerWeightIds l;
        l.attnNorm = m.add(TensorType::F32, 1, c.dim);
        const TensorType v = mix == LayerMix::Q6KMoreBits ? TensorType::Q6_K
            : mix == LayerMix::F16Value                   ? TensorType::F16
                                                          : TensorType::Q4_K;
        if (v == TensorType::Q4_K)
            l.qkv = { m.add(TensorType::Q4_K, q + 2 * kv, c.dim) };
        else
            l.qkv = { m.add(TensorType::Q4_K, q, c.dim), m.add(TensorType::Q4_K, kv, c.dim),
                m.add(v, kv, c.dim) };
        l.wo = m.add(TensorType::Q4_K, c.dim, q, mix == LayerMix::Split ? 2 : 1);
        l.ffnNorm = m.add(TensorType::F32, 1, c.dim);
        if (mix == LayerMix::Split)
            l.gateUp = { m.add(TensorType::Q4_K, c.ffnDim, c.dim), m.add(TensorType::Q4_K, c.ffnDim, c.dim) };
        else
            l.gateUp = { m.add(TensorType::Q4_K, 2 * c.ffnDim, c.dim) };
        l.down = m.add(v, c.dim, c.ffnDim);
        model.layers.push_back(l);
    }
    return model;
}

// The policies of productPolicy / attentionPolicy on these devices.
ProductPolicy gpuPolicy(bool intDot, uint32_t q8Rows = 4, bool wide = false)
{
    ProductPolicy p;
    p.matVecRows = 4;
    p.intDot = intDot;
    p.q8Rows = q8Rows;
    p.wideMatMul = wide;
    return p;
}
ProductPolicy lavapipePolicy()
{
    ProductPolicy p;
    p.matVecRows = 16;
    p.cpuDevice = p.cpuTiledMatMul = p.cpuMatVec = true;
    p.maxTexelRange = 128 * kMiB;
    p.texelAlignment = 16;
    return p;
}
const AttentionPolicy kGpuAttention { kAttentionMaxSplits, false, 0 };
const AttentionPolicy kLavapipeAttention { 1, true, 128 * kMiB };

QString names(const std::vector<ShaderId>& ids)
{
    QStringList out;
    for (ShaderId id : ids)
        out << QString::fromUtf8(pipelineName(id).data(), qsizetype(pipelineName(id).size()));
    return out.join(' ');
}

QString names(const std::vector<PlanStep>& steps)
{
    std::vector<ShaderId> ids;
    for (const PlanStep& s : steps)
        if (s.shader) ids.insert(ids.end(), s.dispatches, *s.shader);
    return names(ids);
}

// A shared test model on the device, with a GPU's shader choices (and integer dot products) or this
// device's, and matrices split into pieces of `split` bytes (0: not split). backend stays null when the
// helper failed or skipped: the caller returns.
struct OnDevice {
    std::unique_ptr<GgufFile> file;
    std::optional<LlamaConfig> config;
    std::optional<LlamaWeights> weights;
    std::unique_ptr<Backend> backend;
    VulkanBackend* vulkan = nullptr;
};

void loadOnDevice(const QString& model, bool gpu, bool intDot, quint64 split, OnDevice& m)
{
    auto file = GgufFile::open(test::testdata("models/" + model + ".gguf").toStdString());
    QVERIFY(bool(file));
    m.file = std::move(*file);
    auto config = LlamaConfig::fromGguf(*m.file);
    QVERIFY(bool(config));
    m.config = *config;
    auto weights = LlamaWeights::bind(*m.file, *m.config);
    QVERIFY(bool(weights));
    m.weights = std::move(*weights);
    VulkanOptions options;
    options.contextLength = 64;
    options.storageBufferLimitOverride = split;
    options.gpuShaderChoices = gpu;
    options.intDotProducts = intDot;
    auto backend = createVulkanBackend(*m.file, *m.weights, *m.config, options);
    if (!backend) {
        if (backend.error().code == ErrorCode::NoDevice && !test::vulkanRequired())
            QSKIP(backend.error().message.c_str());
        QFAIL(backend.error().message.c_str());
    }
    m.vulkan = dynamic_cast<VulkanBackend*>(backend->get());
    QVERIFY(m.vulkan);
    m.backend = std::move(*backend);
}

// The rows of the tests on the device: models x this device's shaders, a GPU's, a GPU's with integer
// dot products x matrices in one piece or split.
void addDeviceRows(std::initializer_list<const char*> models)
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("gpu");
    QTest::addColumn<bool>("intDot");
    QTest::addColumn<quint64>("split");
    for (const char* model : models)
        for (int choice = 0; choice < 3; ++choice)
            for (quint64 split : { quint64(0), quint64(65536) })
                QTest::addRow("%s %s%s", model,
                    choice == 0       ? "this device"
                        : choice == 1 ? "gpu"
                                      : "gpu int dot",
                    split ? ", split" : "")
                    << model << (choice > 0) << (choice == 2) << split;
}

// Whether each dispatch of a decode step by `plan` must wait on a barrier, and whether that is decided
// (nullopt: not asserted). Each step reads what the step before it wrote, so its first dispatch waits;
// but the products of one input into other rows run together: q, k and v, gate and up, and the pieces
// of a split matrix, each binding only its rows of the output. The pieces of the embedding all write x
// (the rows of the tokens each holds), and those of a q|k|v product with the RoPE fused in write q or
// a cache whole (the cache row is the step's position): whether they wait depends on where the split
// falls, so it is not asserted.
std::vector<std::optional<bool>> expectedWaits(const ForwardPlan& plan)
{
    std::vector<std::optional<bool>> waits;
    const PlanStep* previous = nullptr;
    auto add = [&](const std::vector<PlanStep>& steps) {
        for (const PlanStep& s : steps) {
            if (!s.shader) continue;
            const bool alongside = previous && previous->step == s.step
                && (s.step == Step::Qkv || s.step == Step::QkvRope || s.step == Step::GateUp);
            waits.push_back(previous && !alongside);
            for (uint32_t piece = 1; piece < s.dispatches; ++piece)
                waits.push_back(
                    s.step == Step::Embed || s.step == Step::QkvRope ? std::nullopt : std::optional(false));
            previous = &s;
        }
    };
    add(plan.embed);
    for (const std::vector<PlanStep>& layer : plan.layers)
        add(layer);
    add(plan.head);
    return waits;
}

} // namespace

class TestVulkanForwardPlan : public QObject {
    Q_OBJECT

private slots:
    void steps_data();
    void steps();
    void qkvRows();
    void batchClasses();
    void recordingFollowsPlan_data();
    void recordingFollowsPlan();
    void decodeStepCounts_data();
    void decodeStepCounts();
    void cleanupTestCase();
};

void TestVulkanForwardPlan::steps_data()
{
    QTest::addColumn<QString>("device");
    QTest::addColumn<int>("mixes"); // 0: Q4_K_M (AllQ4K, Q6KMoreBits), 1: F16Value, 2: Split
    QTest::addColumn<int>("tokens");
    QTest::addColumn<QString>("embed");
    QTest::addColumn<QStringList>("layers");
    QTest::addColumn<QString>("head");

    // The decode step a GPU records: norm and rope in the q|k|v products, the norm and SwiGLU in the
    // stacked gate|up product; a Q6_K value matrix keeps q, k, v apart.
    QTest::newRow("gpu decode, Q4_K_M")
        << "gpu" << 0 << 1 << "embed_q4_k"
        << QStringList { "mul_mat_vec_norm_rope_q4_k attention mul_mat_vec_q4_k "
                         "mul_mat_vec_norm_swiglu_q4_k mul_mat_vec_q4_k",
               "mul_mat_vec_norm_rope_q4_k mul_mat_vec_norm_rope_q4_k "
               "mul_mat_vec_norm_rope_q6_k attention mul_mat_vec_q4_k "
               "mul_mat_vec_norm_swiglu_q4_k mul_mat_vec_q6_k" }
        << "mul_mat_vec_norm_q6_k";
    // Integer dot products: the norm fused into the quantization, every product on q8.
    QTest::newRow("gpu int dot decode, Q4_K_M")
        << "gpu-int-dot" << 0 << 1 << "embed_q4_k"
        << QStringList { "quantize_q8_norm mul_mat_vec_q8_rope_q4_k attention quantize_q8 "
                         "mul_mat_vec_q8_q4_k "
                         "quantize_q8_norm mul_mat_vec_q8_swiglu_q4_k quantize_q8 mul_mat_vec_q8_q4_k",
               "quantize_q8_norm mul_mat_vec_q8_rope_q4_k mul_mat_vec_q8_rope_q4_k mul_mat_vec_q8_rope_q6_k "
               "attention quantize_q8 mul_mat_vec_q8_q4_k quantize_q8_norm mul_mat_vec_q8_swiglu_q4_k "
               "quantize_q8 mul_mat_vec_q8_q6_k" }
        << "quantize_q8_norm mul_mat_vec_q8_q6_k";
    // An odd number of q8 rows per workgroup: no RoPE in the q8 product, a rope_store after it.
    QTest::newRow("gpu int dot decode, odd q8 rows")
        << "gpu-int-dot-odd" << 0 << 1 << "embed_q4_k"
        << QStringList { "quantize_q8_norm mul_mat_vec_q8_q4_k rope_store attention quantize_q8 "
                         "mul_mat_vec_q8_q4_k quantize_q8_norm mul_mat_vec_q8_swiglu_q4_k quantize_q8 "
                         "mul_mat_vec_q8_q4_k",
               "quantize_q8_norm mul_mat_vec_q8_q4_k mul_mat_vec_q8_q4_k mul_mat_vec_q8_q6_k rope_store "
               "attention quantize_q8 mul_mat_vec_q8_q4_k quantize_q8_norm mul_mat_vec_q8_swiglu_q4_k "
               "quantize_q8 mul_mat_vec_q8_q6_k" }
        << "quantize_q8_norm mul_mat_vec_q8_q6_k";
    // A layer with an F16 value matrix: its q|k|v take the float path with the norm in (no integer
    // shader for F16), the rest of the layer the integer one; the F16 down product stays float.
    QTest::newRow("gpu int dot decode, F16 in a layer")
        << "gpu-int-dot" << 1 << 1 << "embed_q4_k"
        << QStringList { "mul_mat_vec_norm_rope_q4_k mul_mat_vec_norm_rope_q4_k mul_mat_vec_norm_rope_f16 "
                         "attention quantize_q8 mul_mat_vec_q8_q4_k quantize_q8_norm "
                         "mul_mat_vec_q8_swiglu_q4_k mul_mat_vec_f16" }
        << "quantize_q8_norm mul_mat_vec_q8_q6_k";
    // Split matrices: one dispatch per piece; gate and up apart: two products and a swiglu.
    QTest::newRow("gpu decode, split")
        << "gpu" << 2 << 1 << "embed_q4_k embed_q4_k embed_q4_k"
        << QStringList { "mul_mat_vec_norm_rope_q4_k attention mul_mat_vec_q4_k mul_mat_vec_q4_k "
                         "mul_mat_vec_norm_q4_k mul_mat_vec_norm_q4_k swiglu mul_mat_vec_q4_k" }
        << "mul_mat_vec_norm_q6_k mul_mat_vec_norm_q6_k";
    // A GPU's prefill: the tiled products, the norm and rope apart.
    QTest::newRow("gpu batch of 16, Q4_K_M")
        << "gpu" << 0 << 16 << "embed_q4_k"
        << QStringList { "rms_norm mul_mat_q4_k rope_store attention mul_mat_q4_k rms_norm mul_mat_q4_k "
                         "swiglu "
                         "mul_mat_q4_k",
               "rms_norm mul_mat_q4_k mul_mat_q4_k mul_mat_q6_k rope_store attention mul_mat_q4_k rms_norm "
               "mul_mat_q4_k swiglu mul_mat_q6_k" }
        << "rms_norm mul_mat_q6_k";
    QTest::newRow("gpu wide tiles, batch of 64")
        << "gpu-wide" << 2 << 64 << "embed_q4_k embed_q4_k embed_q4_k"
        << QStringList { "rms_norm mul_mat_wide_q4_k rope_store attention mul_mat_wide_q4_k "
                         "mul_mat_wide_q4_k "
                         "rms_norm mul_mat_wide_q4_k mul_mat_wide_q4_k swiglu mul_mat_wide_q4_k" }
        << "rms_norm mul_mat_wide_q6_k mul_mat_wide_q6_k";
    // lavapipe: its own mat-vec shaders where a row is whole runs (a Q6_K row of 256 is not: the
    // generic one), the norm written first.
    QTest::newRow("lavapipe decode, Q4_K_M")
        << "lavapipe" << 0 << 1 << "embed_q4_k"
        << QStringList { "rms_norm mul_mat_vec_cpu_q4_k rope_store attention_narrow mul_mat_vec_cpu_q4_k "
                         "rms_norm "
                         "mul_mat_vec_cpu_swiglu_q4_k mul_mat_vec_cpu_q4_k",
               "rms_norm mul_mat_vec_cpu_q4_k mul_mat_vec_cpu_q4_k mul_mat_vec_q6_k rope_store "
               "attention_narrow "
               "mul_mat_vec_cpu_q4_k rms_norm mul_mat_vec_cpu_swiglu_q4_k mul_mat_vec_q6_k" }
        << "rms_norm mul_mat_vec_q6_k";
    QTest::newRow("lavapipe batch of 16, Q4_K_M")
        << "lavapipe" << 0 << 16 << "embed_q4_k"
        << QStringList { "rms_norm mul_mat_cpu_q4_k rope_store attention_narrow mul_mat_cpu_q4_k rms_norm "
                         "mul_mat_cpu_q4_k swiglu mul_mat_cpu_q4_k",
               "rms_norm mul_mat_cpu_q4_k mul_mat_cpu_q4_k mul_mat_cpu_q6_k rope_store attention_narrow "
               "mul_mat_cpu_q4_k rms_norm mul_mat_cpu_q4_k swiglu mul_mat_cpu_q6_k" }
        << "rms_norm mul_mat_cpu_q6_k";
}

void TestVulkanForwardPlan::steps()
{
    QFETCH(QString, device);
    QFETCH(int, mixes);
    QFETCH(int, tokens);
    QFETCH(QString, embed);
    QFETCH(QStringList, layers);
    QFETCH(QString, head);

    const std::vector<LayerMix> mix = mixes == 0 ? std::vector { LayerMix::AllQ4K, LayerMix::Q6KMoreBits }
        : mixes == 1                             ? std::vector { LayerMix::F16Value }
                                                 : std::vector { LayerMix::Split };
    const Model model = makeModel(mix, mixes == 2 ? 3 : 1, mixes == 2 ? 2 : 1);
    const ProductPolicy policy = device == "lavapipe" ? lavapipePolicy()
        : device == "gpu-int-dot"                     ? gpuPolicy(true)
        : device == "gpu-int-dot-odd"                 ? gpuPolicy(true, 3)
        : device == "gpu-wide"                        ? gpuPolicy(false, 4, true)
                                                      : gpuPolicy(false);
    const ForwardPlan plan = planForward(
        model.plan(), policy, device == "lavapipe" ? kLavapipeAttention : kGpuAttention, uint32_t(tokens));
    QCOMPARE(names(plan.embed), embed);
    QCOMPARE(plan.layers.size(), size_t(layers.size()));
    for (qsizetype l = 0; l < layers.size(); ++l)
        QCOMPARE(names(plan.layers[size_t(l)]), layers[l]);
    QCOMPARE(names(plan.head), head);
    QCOMPARE(plan.head.back().step, Step::ReadBack);
}

void TestVulkanForwardPlan::qkvRows()
{
    // Separate q, k, v products write rows 0, q and q + kv of the qkv buffer (or of the rope's output).
    const Model model = makeModel({ LayerMix::Q6KMoreBits });
    for (const ProductPolicy& policy : { gpuPolicy(false), lavapipePolicy() }) {
        const ForwardPlan plan = planForward(model.plan(), policy, kGpuAttention, 1);
        std::vector<uint32_t> rows;
        for (const PlanStep& s : plan.layers[0])
            if (s.step == Step::Qkv || s.step == Step::QkvRope) rows.push_back(s.row);
        QCOMPARE(rows, (std::vector<uint32_t> { 0, 256, 256 + 64 }));
    }
}

void TestVulkanForwardPlan::batchClasses()
{
    // A plan per class of batch sizes: mat-vec below tiledMinTokens, tiled from it, wide tiles from 64.
    const Model model = makeModel({ LayerMix::AllQ4K });
    const ForwardPlans plans
        = planForwardBatches(model.plan(), gpuPolicy(false, 4, true), kGpuAttention, 512);
    QCOMPARE(plans.byClass.size(), size_t(3));
    QCOMPARE(plans.forTokens(1).firstTokens, 1u);
    QCOMPARE(plans.forTokens(7).firstTokens, 1u);
    QCOMPARE(plans.forTokens(8).firstTokens, 8u);
    QCOMPARE(plans.forTokens(63).firstTokens, 8u);
    QCOMPARE(plans.forTokens(512).firstTokens, 64u);
    QVERIFY(names(plans.forTokens(8).layers[0]).contains("mul_mat_q4_k"));
    QVERIFY(names(plans.forTokens(64).layers[0]).contains("mul_mat_wide_q4_k"));
    // Without wide tiles, or with batches too small to reach a class, fewer plans.
    QCOMPARE(
        planForwardBatches(model.plan(), gpuPolicy(false), kGpuAttention, 512).byClass.size(), size_t(2));
    QCOMPARE(planForwardBatches(model.plan(), gpuPolicy(false), kGpuAttention, 4).byClass.size(), size_t(1));
}

void TestVulkanForwardPlan::recordingFollowsPlan_data()
{
    addDeviceRows({ "tiny-llama31-q4_k_m", "tiny-llama31-f16" });
}

void TestVulkanForwardPlan::recordingFollowsPlan()
{
    QFETCH(QString, model);
    QFETCH(bool, gpu);
    QFETCH(bool, intDot);
    QFETCH(quint64, split);
    OnDevice m;
    loadOnDevice(model, gpu, intDot, split, m);
    if (!m.vulkan) return;
    VulkanBackend* vulkan = m.vulkan;
    const ForwardPlans& plans = vulkan->plans();
    const uint32_t vocab = vulkan->vocabSize();
    // A decode step, a batch wanting the last row's logits, and one wanting every row's.
    struct Batch {
        uint32_t tokens;
        bool allLogits;
    };
    for (const Batch b : { Batch { 1, false }, Batch { 16, false }, Batch { 16, true } }) {
        std::vector<int32_t> tokens(b.tokens, 1);
        std::vector<float> logits(size_t(b.allLogits ? b.tokens : 1) * vocab);
        const Status s = vulkan->forward(tokens, 0, logits);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        const ForwardPlan& plan = plans.forTokens(b.tokens);
        const QString planned = names(plannedDispatches(plan, &plans.forTokens(b.allLogits ? b.tokens : 1)));
        QCOMPARE(names(vulkan->lastDispatched()), planned);
        QCOMPARE(vulkan->lastDispatchCount(), uint32_t(vulkan->lastDispatched().size()));
    }
}

void TestVulkanForwardPlan::decodeStepCounts_data()
{
    // A K-quant mix with its own output matrix, and a tied embedding (read whole by the logits and one
    // row by the embedding).
    addDeviceRows({ "tiny-llama31-q4_k_m", "tiny-llama32-tied-q8_0" });
}

// The decode step's counts (vulkanDecodeStepCounts, step_counts.cpp), which the benchmarks print: its
// dispatches are the plan's, its barriers go only where one step needs what the step before wrote, and
// the bytes it reads are set against the model file's own sizes: every weight matrix exactly once (a
// matrix read twice, or the whole embedding table gathered, would show) and the KV cache rows in use.
void TestVulkanForwardPlan::decodeStepCounts()
{
    QFETCH(QString, model);
    QFETCH(bool, gpu);
    QFETCH(bool, intDot);
    QFETCH(quint64, split);
    OnDevice m;
    loadOnDevice(model, gpu, intDot, split, m);
    if (!m.vulkan) return;
    QVERIFY(!vulkanDecodeStepCounts(*m.backend, 0)); // no decode step recorded yet

    // A prompt of 8, then decode steps at 8..12 (recorded once, submitted again).
    std::vector<int32_t> prompt(8, 1);
    std::vector<float> logits(m.vulkan->vocabSize());
    QVERIFY(m.vulkan->forward(prompt, 0, logits).ok());
    const uint32_t last = 12;
    for (uint32_t pos = 8; pos <= last; ++pos) {
        const int32_t token = int32_t(pos);
        QVERIFY(m.vulkan->forward(std::span(&token, 1), pos, logits).ok());
    }
    const std::optional<VulkanStepCounts> counts = vulkanDecodeStepCounts(*m.backend, last);
    QVERIFY(counts);

    const ForwardPlans& plans = m.vulkan->plans();
    const size_t planned = plannedDispatches(plans.forTokens(1), &plans.forTokens(1)).size();
    QCOMPARE(size_t(counts->dispatches), planned);
    // Barriers: where the plan's steps depend on each other, and not between the products that write
    // other rows of one output (expectedWaits); then one before the read-back copy and the host's.
    const std::vector<bool> waits = m.vulkan->decodeStepWaits();
    const std::vector<std::optional<bool>> expected = expectedWaits(plans.forTokens(1));
    QCOMPARE(waits.size(), expected.size());
    const std::vector<ShaderId> shaders = plannedDispatches(plans.forTokens(1), &plans.forTokens(1));
    for (size_t i = 0; i < waits.size(); ++i)
        if (expected[i])
            QVERIFY2(waits[i] == *expected[i],
                qPrintable(QString("dispatch %1 (%2) %3 wait")
                               .arg(i)
                               .arg(QString::fromStdString(std::string(pipelineName(shaders[i]))))
                               .arg(*expected[i] ? "should" : "should not")));
    QCOMPARE(counts->barriers, uint32_t(std::count(waits.begin(), waits.end(), true)) + 2);
    qInfo("decode step: %u dispatches, %u barriers", counts->dispatches, counts->barriers);
    // Weights: the file's matrices each once. A dispatch may read a vector again (a norm fused into each
    // of several products, the RoPE factors in every layer) and the padding after a piece, no more.
    const uint64_t ideal = decodeWeightBytes(*m.weights);
    const uint64_t perDispatchSlack = kWeightPadding + m.config->dim * sizeof(float);
    QVERIFY2(
        counts->weightBytes >= ideal && counts->weightBytes <= ideal + counts->dispatches * perDispatchSlack,
        qPrintable(
            QString("read %1 bytes of weights, the file holds %2").arg(counts->weightBytes).arg(ideal)));
    // The KV cache: each layer's keys and values at positions 0..last, once.
    QCOMPARE(counts->kvBytes, decodeKvBytes(*m.config, last));
    QCOMPARE(vulkanDecodeStepCounts(*m.backend, 0)->kvBytes, decodeKvBytes(*m.config, 0));
}

void TestVulkanForwardPlan::cleanupTestCase()
{
    // Under HEARTH_VULKAN_VALIDATION=1 the layers ran: they must have reported nothing.
    QVERIFY2(!validationLayerMissing(),
        "validation asked for, but its layer is not installed (vulkan-validationlayers)");
    QCOMPARE(validationMessageCount(), 0u);
}

QTEST_GUILESS_MAIN(TestVulkanForwardPlan)
#include "test_vulkan_forward_plan.moc"
