#include "vulkan/tuner_questions.h"

#include "vulkan/ops.h"
#include "vulkan/products_cpu.h"
#include "vulkan/products_q8.h"

#include <algorithm>
#include <set>

namespace hearth::vk {

namespace {

// Relative L2 differences that still count as the same result: float variants only reorder sums;
// integer dot products also round the activations to 8 bits.
constexpr double kFloatTolerance = 1e-3;
constexpr double kInt8Tolerance = 3e-2;

// The matrices of the first layer, as a decode step and a prefill batch read them.
std::vector<const GpuMatrix*> layerMatrices(const PlanModel& model)
{
    std::vector<const GpuMatrix*> out;
    if (model.layers.empty()) return out;
    const LayerWeightIds& layer = model.layers[0];
    for (size_t id : layer.qkv)
        out.push_back(&model.matrices[id]);
    out.push_back(&model.matrices[layer.wo]);
    for (size_t id : layer.gateUp)
        out.push_back(&model.matrices[id]);
    out.push_back(&model.matrices[layer.down]);
    return out;
}

// A decode step's: the layer's and the logits'.
std::vector<const GpuMatrix*> decodeMatrices(const PlanModel& model)
{
    std::vector<const GpuMatrix*> out = layerMatrices(model);
    out.push_back(&model.matrices[model.output]);
    return out;
}

std::string shapeOf(const std::vector<const GpuMatrix*>& matrices)
{
    std::string out;
    for (const GpuMatrix* w : matrices)
        out += (out.empty() ? "" : ",") + std::to_string(w->rows) + "x" + std::to_string(w->cols) + "."
            + std::string(typeName(w->type));
    return out;
}

uint32_t maxCols(const PlanModel& model)
{
    const LlamaConfig& c = model.config;
    return std::max({ c.dim, c.headCount * c.headDim, c.ffnDim });
}

// Where the products of `matrices` for `tokens` tokens go: one region after another in y.
BufferRef productsOutput(
    const std::vector<const GpuMatrix*>& matrices, uint32_t tokens, const TuningBuffers& b)
{
    uint64_t floats = 0;
    for (const GpuMatrix* w : matrices)
        floats += uint64_t(tokens) * w->rows;
    return { b.y.buffer, 0, floats * sizeof(float) };
}

// The float products of `matrices` for `tokens` tokens, each into its region.
auto productsWorkload(std::vector<const GpuMatrix*> matrices, uint32_t tokens, const TuningBuffers& b)
{
    return [matrices, tokens, &b](Recorder& rec, const ProductPolicy& policy, const AttentionPolicy&) {
        uint32_t offset = 0;
        for (const GpuMatrix* w : matrices) {
            recordProduct(rec, policy, *w, { b.x, 0, w->cols }, tokens, { b.y, offset, w->rows }, false);
            offset += tokens * w->rows;
        }
    };
}

std::string variantName(const MatVecShape& shape)
{
    return shape.cpuShader ? "cpu" : std::to_string(shape.rows) + "x" + std::to_string(shape.workgroup);
}

// The first candidate: the config as it stands (the reference), named as its variant is.
TuningCandidate current(std::string name)
{
    return { std::move(name), [](KernelConfig&) {} };
}

// Adds `candidate` unless one of that name is there (the current choice is one of the list).
void addCandidate(std::vector<TuningCandidate>& list, TuningCandidate candidate)
{
    for (const TuningCandidate& c : list)
        if (c.name == candidate.name) return;
    list.push_back(std::move(candidate));
}

// cpuShader: whether mul_mat_vec_cpu runs every one of `matrices` (a CPU device, and their layout).
TuningQuestion matVecQuestion(const KernelConfig& base, bool cpuShaders, bool cpuShader, TensorType type,
    std::vector<const GpuMatrix*> matrices, const TuningBuffers& b)
{
    TuningQuestion q;
    q.name = "decode mat-vec " + std::string(typeName(type));
    q.shape = shapeOf(matrices);
    // Named for what runs: a CPU shader that does not apply leaves the generic one.
    MatVecShape now = base.matVecFor(type);
    now.cpuShader = now.cpuShader && cpuShader;
    q.candidates.push_back(current(variantName(now)));
    std::vector<MatVecShape> shapes;
    if (cpuShaders) {
        // A CPU device: its own shader, or the generic one with 16 or 32 rows per workgroup (fewer
        // measured slower on lavapipe, and each variant costs a second or more of compiling there).
        if (cpuShader) shapes.push_back({ 16, 64, true });
        shapes.push_back({ 16, 64, false });
        shapes.push_back({ 32, 64, false });
    } else {
        for (uint32_t rows : { 2u, 4u, 8u })
            for (uint32_t workgroup : { 32u, 64u, 128u })
                shapes.push_back({ rows, workgroup, false });
    }
    for (const MatVecShape& shape : shapes)
        addCandidate(q.candidates,
            { variantName(shape), [type, shape](KernelConfig& c) { c.matVecByType[type] = shape; } });
    q.record = productsWorkload(matrices, 1, b);
    q.output = productsOutput(matrices, 1, b);
    q.tolerance = kFloatTolerance;
    return q;
}

std::string intDotName(const KernelConfig& c)
{
    return c.intDot ? "int8 " + std::to_string(c.q8.rows) + "x" + std::to_string(c.q8.workgroup) : "float";
}

TuningQuestion intDotQuestion(
    const KernelConfig& base, std::vector<const GpuMatrix*> matrices, const TuningBuffers& b)
{
    TuningQuestion q;
    q.name = "decode integer dot products";
    q.shape = shapeOf(matrices);
    q.candidates.push_back(current(intDotName(base)));
    addCandidate(q.candidates, { "float", [](KernelConfig& c) { c.intDot = false; } });
    for (MatVecShape shape :
        std::vector<MatVecShape> { { 4, 64 }, { 2, 64 }, { 8, 64 }, { 4, 128 }, { 8, 128 }, { 16, 256 } }) {
        KernelConfig named = base;
        named.intDot = true;
        named.q8 = shape;
        addCandidate(q.candidates, { intDotName(named), [shape](KernelConfig& c) {
                                        c.intDot = true;
                                        c.q8 = shape;
                                    } });
    }
    q.output = productsOutput(matrices, 1, b);
    q.record = [matrices, &b](Recorder& rec, const ProductPolicy& policy, const AttentionPolicy&) {
        uint32_t offset = 0;
        for (const GpuMatrix* w : matrices) {
            const Activation x { b.x, 0, w->cols };
            const Activation y { b.y, offset, w->rows };
            if (usesIntDot(policy, 1) && hasIntDotProduct(*w)) {
                recordQuantize(rec, x, w->cols, 1, b.q8);
                recordQ8Product(rec, policy, *w, b.q8, 1, y, false);
            } else {
                recordProduct(rec, policy, *w, x, 1, y, false);
            }
            offset += w->rows;
        }
    };
    q.tolerance = kInt8Tolerance;
    return q;
}

TuningQuestion attentionQuestion(
    const KernelConfig& base, bool cpuShaders, const TuningShapes& shapes, const TuningBuffers& b)
{
    const LlamaConfig& c = shapes.model.config;
    const AttentionShape shape { c.headCount, c.kvHeadCount, c.headDim };
    TuningQuestion q;
    q.name = "decode attention";
    q.shape = "heads=" + std::to_string(c.headCount) + " kv=" + std::to_string(c.kvHeadCount)
        + " dim=" + std::to_string(c.headDim) + " at=" + std::to_string(shapes.attentionPosition);
    q.candidates.push_back(current("splits=" + std::to_string(base.attentionSplits)));
    const std::vector<uint32_t> splits
        = cpuShaders ? std::vector<uint32_t> { 1, 2, 4, 8 } : std::vector<uint32_t> { 32, 16, 8, 4, 2, 1 };
    for (uint32_t n : splits)
        addCandidate(
            q.candidates, { "splits=" + std::to_string(n), [n](KernelConfig& k) { k.attentionSplits = n; } });
    q.record = [shape, &b](Recorder& rec, const ProductPolicy&, const AttentionPolicy& policy) {
        recordAttention(rec, shape, 1, policy, { b.q, b.k, b.v, b.att, b.partials, b.step });
    };
    q.output = whole(b.att);
    q.tolerance = kFloatTolerance;
    return q;
}

std::string prefillName(PrefillTile tile)
{
    switch (tile) {
    case PrefillTile::Tile64:
        return "tile64";
    case PrefillTile::Tile128:
        return "tile128";
    case PrefillTile::Cpu:
        return "cpu";
    }
    return "";
}

TuningQuestion prefillQuestion(const KernelConfig& base, const TuningShapes& shapes, const TuningBuffers& b)
{
    const std::vector<const GpuMatrix*> matrices = layerMatrices(shapes.model);
    const uint32_t tokens = shapes.prefillTokens;
    TuningQuestion q;
    q.name = "prefill product";
    q.shape = std::to_string(tokens) + " tokens " + shapeOf(matrices);
    q.candidates.push_back(current(prefillName(base.prefill)));
    for (PrefillTile tile : { PrefillTile::Tile64, PrefillTile::Tile128 })
        addCandidate(q.candidates, { prefillName(tile), [tile](KernelConfig& c) { c.prefill = tile; } });
    q.record = productsWorkload(matrices, tokens, b);
    q.output = productsOutput(matrices, tokens, b);
    q.tolerance = kFloatTolerance;
    return q;
}

} // namespace

TuningBufferSizes tuningBufferSizes(const TuningShapes& shapes)
{
    const LlamaConfig& c = shapes.model.config;
    const uint64_t tokens = std::max<uint32_t>(1, shapes.prefillTokens);
    uint64_t decodeRows = 0, layerRows = 0;
    for (const GpuMatrix* w : decodeMatrices(shapes.model))
        decodeRows += w->rows;
    for (const GpuMatrix* w : layerMatrices(shapes.model))
        layerRows += w->rows;
    const uint64_t kvBytes = uint64_t(shapes.attentionPosition + 1) * c.kvHeadCount * c.headDim * 2;
    return { tokens * maxCols(shapes.model) * 4, std::max(decodeRows, tokens * layerRows) * 4,
        uint64_t(q8Stride(maxCols(shapes.model))) * 16, uint64_t(c.headCount) * c.headDim * 4,
        (kvBytes + 15) / 16 * 16, uint64_t(c.headCount) * c.headDim * 4 };
}

std::vector<TuningQuestion> tuningQuestions(const Device& device, const KernelConfig& base,
    const ProductPolicy& defaults, const TuningShapes& shapes, const TuningBuffers& buffers)
{
    const bool cpuShaders = takesCpuShaders(device, base);
    std::vector<TuningQuestion> questions;
    const std::vector<const GpuMatrix*> decode = decodeMatrices(shapes.model);
    std::set<TensorType> types;
    for (const GpuMatrix* w : decode)
        types.insert(w->type);
    for (TensorType type : types) {
        std::vector<const GpuMatrix*> ofType;
        for (const GpuMatrix* w : decode)
            if (w->type == type) ofType.push_back(w);
        const bool cpuShader = defaults.cpuMatVec
            && std::all_of(ofType.begin(), ofType.end(),
                [&](const GpuMatrix* w) { return cpuMatVecApplies(defaults, *w, 0, w->cols); });
        questions.push_back(matVecQuestion(base, cpuShaders, cpuShader, type, ofType, buffers));
    }
    if (!cpuShaders && device.features().intDot) questions.push_back(intDotQuestion(base, decode, buffers));
    questions.push_back(attentionQuestion(base, cpuShaders, shapes, buffers));
    // CPU devices keep mul_mat_cpu: the GPU's tiles measured 6x slower on lavapipe (hearth-cli tune,
    // 512 tokens) and cost seconds of compiling there.
    if (!cpuShaders && shapes.prefillTokens >= base.tiledMinTokens)
        questions.push_back(prefillQuestion(base, shapes, buffers));
    return questions;
}

} // namespace hearth::vk
