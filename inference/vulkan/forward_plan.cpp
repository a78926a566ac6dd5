#include "vulkan/forward_plan.h"

#include "vulkan/ops.h"
#include "vulkan/products_norm.h"
#include "vulkan/products_q8.h"

#include <algorithm>
#include <cstdio>

namespace hearth::vk {
namespace {

// Where a product's RMSNorm is taken: written to xn first, fused into the product
// (products_norm.h), or fused into the quantization of the product's input (products_q8.h).
enum class NormPath { Separate, Fused, Quantized };

// The shader of a product step: its kernel, with the RoPE or the SwiGLU taken in where the step says.
ShaderId productShader(Step step, ProductKernel kernel, TensorType type)
{
    const bool rope = step == Step::QkvRope;
    const bool swiglu = step == Step::GateUpSwiglu;
    switch (kernel) {
    case ProductKernel::MatVec:
        return pipelineFor(swiglu ? Op::MatVecSwiglu : Op::MatVec, type);
    case ProductKernel::CpuMatVec:
        return pipelineFor(swiglu ? Op::CpuMatVecSwiglu : Op::CpuMatVec, type);
    case ProductKernel::MatMul:
        return pipelineFor(Op::MatMul, type);
    case ProductKernel::MatMulWide:
        return pipelineFor(Op::MatMulWide, type);
    case ProductKernel::CpuMatMul:
        return pipelineFor(Op::CpuMatMul, type);
    case ProductKernel::NormMatVec:
        return pipelineFor(rope ? Op::MatVecNormRope : swiglu ? Op::MatVecNormSwiglu : Op::MatVecNorm, type);
    case ProductKernel::Q8MatVec:
        return pipelineFor(rope ? Op::Q8MatVecRope : swiglu ? Op::Q8MatVecSwiglu : Op::Q8MatVec, type);
    }
    HEARTH_CHECK(false);
    return ShaderId {};
}

class Planner {
public:
    Planner(const PlanModel& model, const ProductPolicy& products, const AttentionPolicy& attention,
        uint32_t tokens)
        : m_model(model)
        , m_p(products)
        , m_attention(attention)
        , m_n(tokens)
    {
    }

    ForwardPlan plan()
    {
        ForwardPlan plan;
        plan.firstTokens = m_n;
        const GpuMatrix& embd = matrix(m_model.tokenEmbedding);
        plan.embed.push_back({ Step::Embed, ProductKernel::MatVec, m_model.tokenEmbedding, 0,
            pipelineFor(Op::Embed, embd.type), uint32_t(embd.pieces.size()), "token_embd" });
        for (const LayerWeightIds& layer : m_model.layers)
            plan.layers.push_back(planLayer(layer));
        // The head's norm feeds the logits alone; its input rows start wherever the wanted rows do.
        const size_t output[] = { m_model.output };
        const NormPath norm = normPath(output);
        addNorm(plan.head, norm, Step::OutputNorm, Step::OutputNormQuantize, m_model.outputNorm);
        addNormedProduct(plan.head, Step::Logits, norm, m_model.output, 0, "output");
        plan.head.push_back({ Step::ReadBack, ProductKernel::MatVec, 0, 0, std::nullopt, 0, "" });
        plan.why = reasons();
        return plan;
    }

private:
    const GpuMatrix& matrix(size_t id) const { return m_model.matrices[id]; }

    NormPath normPath(std::span<const size_t> products) const
    {
        // Quantized only when every product reading the norm has an integer-dot-product shader: otherwise
        // the quantized vector would be written for nothing.
        const bool allIntDot = std::all_of(
            products.begin(), products.end(), [&](size_t id) { return hasIntDotProduct(matrix(id)); });
        if (usesIntDot(m_p, m_n) && allIntDot) return NormPath::Quantized;
        return fusesNorm(m_p, m_n) ? NormPath::Fused : NormPath::Separate;
    }

    // What a normed product needs before it: xn = rmsNorm(x), or q8 = quantize(rmsNorm(x)); nothing when
    // the products take the norm in.
    void addNorm(
        std::vector<PlanStep>& steps, NormPath path, Step separate, Step quantized, size_t norm) const
    {
        if (path == NormPath::Separate)
            steps.push_back({ separate, ProductKernel::MatVec, norm, 0, pipelineFor(Op::RmsNorm) });
        else if (path == NormPath::Quantized)
            steps.push_back({ quantized, ProductKernel::MatVec, norm, 0, pipelineFor(Op::QuantizeQ8Norm) });
    }

    void addProduct(std::vector<PlanStep>& steps, Step step, ProductKernel kernel, size_t id, uint32_t row,
        std::string_view what) const
    {
        const GpuMatrix& w = matrix(id);
        steps.push_back({ step, kernel, id, row, productShader(step, kernel, w.type),
            step == Step::GateUpSwiglu ? 1u : uint32_t(w.pieces.size()), what });
    }

    // The kernel of a product reading the norm by `path`: q8 where it has an integer-dot-product shader,
    // the norm taken in unless it was written separately (also for a matrix without such a shader), or
    // a float product of xn (inputStride floats per token).
    ProductKernel normedKernel(NormPath path, const GpuMatrix& w, uint32_t inputStride) const
    {
        if (path == NormPath::Quantized && hasIntDotProduct(w)) return ProductKernel::Q8MatVec;
        if (path != NormPath::Separate) return ProductKernel::NormMatVec;
        return productKernel(m_p, w, 0, inputStride, m_n);
    }

    void addNormedProduct(std::vector<PlanStep>& steps, Step step, NormPath path, size_t id, uint32_t row,
        std::string_view what) const
    {
        addProduct(steps, step, normedKernel(path, matrix(id), m_model.config.dim), id, row, what);
    }

    // x += W v for v of `cols` floats per token: quantized first and an integer product in decode with
    // integer dot products, else a float product.
    void addResidualProduct(std::vector<PlanStep>& steps, Step quantize, Step step, size_t id, uint32_t cols,
        std::string_view what) const
    {
        const GpuMatrix& w = matrix(id);
        if (usesIntDot(m_p, m_n) && hasIntDotProduct(w)) {
            steps.push_back({ quantize, ProductKernel::MatVec, 0, 0, pipelineFor(Op::QuantizeQ8) });
            addProduct(steps, step, ProductKernel::Q8MatVec, id, 0, what);
        } else {
            addProduct(steps, step, productKernel(m_p, w, 0, cols, m_n), id, 0, what);
        }
    }

    std::vector<PlanStep> planLayer(const LayerWeightIds& layer) const
    {
        static constexpr std::string_view kQkvNames[] = { "attn_q", "attn_k", "attn_v" };
        static constexpr std::string_view kGateUpNames[] = { "ffn_gate", "ffn_up" };
        const LlamaConfig& c = m_model.config;
        const uint32_t qDim = c.headCount * c.headDim;
        std::vector<PlanStep> steps;

        // attention: n = rmsNorm(x), q|k|v = W n, rope and the cache store fused into the products where
        // they apply (an even number of rows per workgroup: a rotated pair in one workgroup).
        const NormPath attnNorm = normPath(layer.qkv);
        addNorm(steps, attnNorm, Step::AttnNorm, Step::AttnNormQuantize, layer.attnNorm);
        const bool quantized = attnNorm == NormPath::Quantized;
        const bool ropeFused
            = quantized ? q8FusesRope(m_p, m_n) : attnNorm == NormPath::Fused && fusesRope(m_p, m_n);
        uint32_t row = 0;
        for (size_t i = 0; i < layer.qkv.size(); ++i) {
            const size_t id = layer.qkv[i];
            const std::string_view what = layer.qkv.size() == 1 ? "attn_q|attn_k|attn_v" : kQkvNames[i];
            if (ropeFused)
                addProduct(steps, Step::QkvRope,
                    quantized ? ProductKernel::Q8MatVec : ProductKernel::NormMatVec, id, row, what);
            else
                addNormedProduct(steps, Step::Qkv, attnNorm, id, row, what);
            row += matrix(id).rows;
        }
        if (!ropeFused)
            steps.push_back({ Step::RopeStore, ProductKernel::MatVec, 0, 0, pipelineFor(Op::RopeStore) });
        steps.push_back({ Step::Attention, ProductKernel::MatVec, 0, 0,
            attentionShader(m_attention, m_model.kvCacheBytes) });
        addResidualProduct(steps, Step::AttQuantize, Step::OutputAdd, layer.wo, qDim, "attn_output");

        // feed-forward: n = rmsNorm(x), h = silu(gate n) * (up n) in one dispatch where it applies (a
        // stacked one-piece [gate; up]), else gu = [gate; up] n and h = swiglu(gu).
        const NormPath ffnNorm = normPath(layer.gateUp);
        addNorm(steps, ffnNorm, Step::FfnNorm, Step::FfnNormQuantize, layer.ffnNorm);
        const std::optional<ProductKernel> swiglu = swigluProductKernel(layer.gateUp, ffnNorm);
        if (swiglu) {
            addProduct(steps, Step::GateUpSwiglu, *swiglu, layer.gateUp[0], 0, "ffn_gate|ffn_up");
        } else {
            row = 0;
            for (size_t i = 0; i < layer.gateUp.size(); ++i) {
                const size_t id = layer.gateUp[i];
                addNormedProduct(steps, Step::GateUp, ffnNorm, id, row,
                    layer.gateUp.size() == 1 ? "ffn_gate|ffn_up" : kGateUpNames[i]);
                row += matrix(id).rows;
            }
            steps.push_back({ Step::Swiglu, ProductKernel::MatVec, 0, 0, pipelineFor(Op::Swiglu) });
        }
        addResidualProduct(steps, Step::HQuantize, Step::DownAdd, layer.down, c.ffnDim, "ffn_down");
        return steps;
    }

    // The kernel of the one-dispatch SwiGLU product of a stacked one-piece [gate; up]; nullopt where none
    // applies.
    std::optional<ProductKernel> swigluProductKernel(std::span<const size_t> gateUp, NormPath path) const
    {
        if (gateUp.size() != 1) return std::nullopt;
        const GpuMatrix& w = matrix(gateUp[0]);
        if (path == NormPath::Separate) return swigluKernel(m_p, w, 0, m_model.config.dim, m_n);
        if (w.pieces.size() != 1) return std::nullopt;
        return path == NormPath::Quantized && hasIntDotProduct(w) ? ProductKernel::Q8MatVec
                                                                  : ProductKernel::NormMatVec;
    }

    std::vector<std::string> reasons() const
    {
        std::vector<std::string> why;
        const bool tiled = m_n >= m_p.tiledMinTokens;
        why.push_back(tiled
                ? "tiled products: batches of " + std::to_string(m_p.tiledMinTokens) + " tokens or more"
                : "mat-vec products: batches below " + std::to_string(m_p.tiledMinTokens) + " tokens");
        if (m_p.cpuDevice)
            why.push_back(
                "CPU device: its own product shaders (mul_mat_vec_cpu, mul_mat_cpu) where a matrix's "
                "layout allows, and RMSNorm written separately (those shaders do not take it in)");
        else if (!tiled)
            why.push_back(
                "GPU: the RMSNorm taken into the products (mul_mat_vec_norm), RoPE too with an even "
                "number of rows per workgroup ("
                + std::to_string(m_p.matVecRows) + ")");
        if (!tiled && !m_p.cpuDevice)
            why.push_back(m_p.intDot ? "integer dot products: on (q8 input) for matrices with such a shader"
                                     : "integer dot products: off (the kernel config's choice: tuned, or "
                                       "HEARTH_VK_INT_DOT=1)");
        const uint32_t splits = attentionSplits(m_attention, m_n);
        why.push_back(
            "attention: " + std::string(pipelineName(attentionShader(m_attention, m_model.kvCacheBytes)))
            + ", " + std::to_string(splits) + (splits == 1 ? " split" : " splits") + " per (head, token)");
        return why;
    }

    const PlanModel& m_model;
    const ProductPolicy& m_p;
    const AttentionPolicy& m_attention;
    uint32_t m_n;
};

} // namespace

const ForwardPlan& ForwardPlans::forTokens(uint32_t tokens) const
{
    HEARTH_CHECK(!byClass.empty());
    const ForwardPlan* plan = &byClass.front();
    for (const ForwardPlan& p : byClass)
        if (p.firstTokens <= tokens) plan = &p;
    return *plan;
}

ForwardPlan planForward(
    const PlanModel& model, const ProductPolicy& products, const AttentionPolicy& attention, uint32_t tokens)
{
    return Planner(model, products, attention, tokens).plan();
}

ForwardPlans planForwardBatches(const PlanModel& model, const ProductPolicy& products,
    const AttentionPolicy& attention, uint32_t maxBatch)
{
    // The batch sizes where a choice changes: the tiled products from tiledMinTokens, the wide tiles from
    // half a wide tile. Attention's splits change the size of its dispatch, not the steps.
    std::vector<uint32_t> starts = { 1 };
    for (uint32_t start : { products.tiledMinTokens, products.wideMatMul ? kMatMulWideTile / 2 : 0u })
        if (start > starts.back() && start <= maxBatch && start >= products.tiledMinTokens)
            starts.push_back(start);
    ForwardPlans plans;
    for (uint32_t start : starts)
        plans.byClass.push_back(planForward(model, products, attention, start));
    return plans;
}

std::vector<ShaderId> plannedDispatches(const ForwardPlan& plan, const ForwardPlan* head)
{
    std::vector<ShaderId> out;
    auto add = [&](const std::vector<PlanStep>& steps) {
        for (const PlanStep& s : steps)
            if (s.shader) out.insert(out.end(), s.dispatches, *s.shader);
    };
    add(plan.embed);
    for (const std::vector<PlanStep>& layer : plan.layers)
        add(layer);
    if (head) add(head->head);
    return out;
}

namespace {

struct StepText {
    std::string_view name;
    std::string_view formula;
};

StepText stepText(Step step)
{
    switch (step) {
    case Step::Embed:
        return { "Embed", "x = token_embd[tokens]" };
    case Step::AttnNorm:
        return { "AttnNorm", "xn = rmsNorm(x) * attn_norm" };
    case Step::AttnNormQuantize:
        return { "AttnNormQuantize", "q8 = quantize(rmsNorm(x) * attn_norm)" };
    case Step::Qkv:
        return { "Qkv", "qkv[row..] = W n" };
    case Step::QkvRope:
        return { "QkvRope", "q, k, v = rope(W n), k v into the cache" };
    case Step::RopeStore:
        return { "RopeStore", "q, k = rope(qkv), k v into the cache" };
    case Step::Attention:
        return { "Attention", "att = softmax(q k^T / sqrt(hd)) v" };
    case Step::AttQuantize:
        return { "AttQuantize", "q8 = quantize(att)" };
    case Step::OutputAdd:
        return { "OutputAdd", "x += wo att" };
    case Step::FfnNorm:
        return { "FfnNorm", "xn = rmsNorm(x) * ffn_norm" };
    case Step::FfnNormQuantize:
        return { "FfnNormQuantize", "q8 = quantize(rmsNorm(x) * ffn_norm)" };
    case Step::GateUp:
        return { "GateUp", "gu[row..] = W n" };
    case Step::GateUpSwiglu:
        return { "GateUpSwiglu", "h = silu(gate n) * (up n)" };
    case Step::Swiglu:
        return { "Swiglu", "h = silu(gate) * up" };
    case Step::HQuantize:
        return { "HQuantize", "q8 = quantize(h)" };
    case Step::DownAdd:
        return { "DownAdd", "x += down h" };
    case Step::OutputNorm:
        return { "OutputNorm", "xn = rmsNorm(x) * output_norm" };
    case Step::OutputNormQuantize:
        return { "OutputNormQuantize", "q8 = quantize(rmsNorm(x) * output_norm)" };
    case Step::Logits:
        return { "Logits", "logits = output n" };
    case Step::ReadBack:
        return { "ReadBack", "copy logits to the host" };
    }
    return { "?", "?" };
}

// Steps alike but for the weights they read (the layers that share a plan).
bool sameSteps(const std::vector<PlanStep>& a, const std::vector<PlanStep>& b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const PlanStep& x, const PlanStep& y) {
        return x.step == y.step && x.kernel == y.kernel && x.row == y.row && x.shader == y.shader
            && x.dispatches == y.dispatches && x.what == y.what;
    });
}

uint32_t dispatchesOf(const std::vector<PlanStep>& steps)
{
    uint32_t n = 0;
    for (const PlanStep& s : steps)
        n += s.shader ? s.dispatches : 0;
    return n;
}

void printSteps(std::string& out, const std::vector<PlanStep>& steps, const PlanModel& model)
{
    char line[256];
    for (const PlanStep& s : steps) {
        const StepText text = stepText(s.step);
        std::string weights;
        if (!s.what.empty())
            weights = std::string(s.what) + " " + std::string(typeName(model.matrices[s.matrix].type));
        const std::string shader = s.shader ? std::string(pipelineName(*s.shader)) : "(copy)";
        const std::string count = s.shader ? "x" + std::to_string(s.dispatches) : "";
        std::snprintf(line, sizeof(line), "  %-18s %-40s %-26s %-30s %s\n", std::string(text.name).c_str(),
            std::string(text.formula).c_str(), weights.c_str(), shader.c_str(), count.c_str());
        out += line;
    }
}

// "0-3, 29-31"
std::string layerRanges(const std::vector<size_t>& layers)
{
    std::string out;
    for (size_t i = 0; i < layers.size();) {
        size_t j = i;
        while (j + 1 < layers.size() && layers[j + 1] == layers[j] + 1)
            ++j;
        out += (out.empty() ? "" : ", ") + std::to_string(layers[i])
            + (j > i ? "-" + std::to_string(layers[j]) : "");
        i = j + 1;
    }
    return out;
}

} // namespace

std::string_view stepName(Step step)
{
    return stepText(step).name;
}

std::string_view stepFormula(Step step)
{
    return stepText(step).formula;
}

std::string describePlan(const ForwardPlan& plan, const ForwardPlan& head, const PlanModel& model)
{
    std::string out;
    for (const std::string& why : plan.why)
        out += "# " + why + "\n";
    out += "embedding:\n";
    printSteps(out, plan.embed, model);
    // Each distinct layer plan once, with the layers that take it.
    std::vector<bool> shown(plan.layers.size(), false);
    for (size_t l = 0; l < plan.layers.size(); ++l) {
        if (shown[l]) continue;
        std::vector<size_t> alike;
        for (size_t m = l; m < plan.layers.size(); ++m)
            if (!shown[m] && sameSteps(plan.layers[l], plan.layers[m])) {
                alike.push_back(m);
                shown[m] = true;
            }
        out += (alike.size() == 1 ? "layer " : "layers ") + layerRanges(alike) + " ("
            + std::to_string(dispatchesOf(plan.layers[l]))
            + (alike.size() == 1 ? " dispatches):\n" : " dispatches each):\n");
        printSteps(out, plan.layers[l], model);
    }
    out += "head:\n";
    printSteps(out, head.head, model);
    out += "total: " + std::to_string(plannedDispatches(plan, &head).size()) + " dispatches for "
        + std::to_string(plan.layers.size()) + " layers\n";
    return out;
}

} // namespace hearth::vk
