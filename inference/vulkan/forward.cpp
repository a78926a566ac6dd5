// The Vulkan forward pass. It reads like the CPU one: one commented line per step, each one dispatch
// (one per piece of a split matrix), in the order of the plan made at load (forward_plan.h), which chose
// the steps of each batch size and how each product reads its input; here each step gets its buffers.
// A whole batch (one token in decode) is recorded into one command buffer and submitted once; the GPU
// runs every layer without the CPU waiting in between.
#include "vulkan/attention.h"
#include "vulkan/ops.h"
#include "vulkan/products.h"
#include "vulkan/products_norm.h"
#include "vulkan/products_q8.h"
#include "vulkan/vulkan_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hearth::vk {

void VulkanBackend::recordBatch(Recorder& rec, uint32_t n, bool wantLogits, bool allLogits)
{
    const ForwardPlan& plan = m_plans.forTokens(n);
    for (const PlanStep& step : plan.embed)
        recordStep(rec, step, { n });
    for (size_t l = 0; l < m_layers.size(); ++l)
        for (const PlanStep& step : plan.layers[l])
            recordStep(rec, step, { n, 0, l });
    if (!wantLogits) return;
    // The logits of every token or of the last only: the head of the plan for that many rows.
    const uint32_t rows = allLogits ? n : 1;
    for (const PlanStep& step : m_plans.forTokens(rows).head)
        recordStep(rec, step, { rows, (n - rows) * m_config.dim });
}

void VulkanBackend::recordStep(Recorder& rec, const PlanStep& s, const StepSite& at)
{
    const LlamaConfig& c = m_config;
    const Activations& a = m_act;
    const uint32_t n = at.tokens;
    const uint32_t qDim = c.headCount * c.headDim;
    const uint32_t kvDim = c.kvHeadCount * c.headDim;
    const uint32_t qkvDim = qDim + 2 * kvDim;
    const GpuMatrix& w = m_weights.matrix(s.matrix);
    switch (s.step) {
    case Step::Embed: // x = token_embd[tokens]
        return embed(rec, w, n);
    case Step::AttnNorm: // xn = rmsNorm(x) * attn_norm
    case Step::FfnNorm: // xn = rmsNorm(x) * ffn_norm
    case Step::OutputNorm: // xn = rmsNorm(x) * output_norm
        return rmsNorm(rec, w, at.xOffset, n);
    case Step::AttnNormQuantize: // q8 = quantize(rmsNorm(x) * attn_norm)
    case Step::FfnNormQuantize: // q8 = quantize(rmsNorm(x) * ffn_norm)
    case Step::OutputNormQuantize: // q8 = quantize(rmsNorm(x) * output_norm)
        return recordNormQuantize(rec, { w, c.normEps }, { a.x, at.xOffset, c.dim }, c.dim, n, a.q8);
    case Step::Qkv: // qkv[row..] = W n
        return product(
            rec, s, normedInput(s, 0), m_layers[at.layer].attnNorm, n, { a.qkv, s.row, qkvDim }, false);
    case Step::QkvRope: // q, k, v = rope(W n), k and v into the cache at the position
        return ropeProduct(rec, s, at.layer, n);
    case Step::RopeStore: { // q, k = rope(qkv); k, v into the cache at the position
        const RopeStorePush push { n, qDim, kvDim, c.headDim, c.ropeFreqBase, m_ropeFactors ? 1u : 0u };
        return rec.dispatch(s.shader.value(),
            { whole(a.qkv), whole(a.q), whole(m_kv[at.layer].k), whole(m_kv[at.layer].v), ropeFactors(),
                whole(a.step) },
            push, ceilDiv(n * qkvDim / 2, kRopeGroup));
    }
    case Step::Attention: // att = softmax(q k^T / sqrt(headDim), causal) v, per head, kv heads grouped
        return recordAttention(rec, { c.headCount, c.kvHeadCount, c.headDim }, n, m_attention,
            { a.q, m_kv[at.layer].k, m_kv[at.layer].v, a.att, a.attPartials, a.step });
    case Step::AttQuantize: // q8 = quantize(att)
        return recordQuantize(rec, { a.att, 0, qDim }, qDim, n, a.q8);
    case Step::OutputAdd: // x += wo att
        return product(rec, s, { a.att, 0, qDim }, 0, n, { a.x, 0, c.dim }, true);
    case Step::GateUp: // gu[row..] = W n
        return product(rec, s, normedInput(s, 0), m_layers[at.layer].ffnNorm, n,
            { a.gateUp, s.row, 2 * c.ffnDim }, false);
    case Step::GateUpSwiglu: // h = silu(gate n) * (up n)
        return swigluProduct(rec, s, m_layers[at.layer].ffnNorm, n);
    case Step::Swiglu: // h = silu(gate) * up
        return rec.dispatch(s.shader.value(), { whole(a.gateUp), whole(a.h) }, SwigluPush { c.ffnDim, n },
            ceilDiv(n * c.ffnDim, kElementwiseGroup));
    case Step::HQuantize: // q8 = quantize(h)
        return recordQuantize(rec, { a.h, 0, c.ffnDim }, c.ffnDim, n, a.q8);
    case Step::DownAdd: // x += down h
        return product(rec, s, { a.h, 0, c.ffnDim }, 0, n, { a.x, 0, c.dim }, true);
    case Step::Logits: // logits = output n
        return product(
            rec, s, normedInput(s, at.xOffset), m_outputNorm, n, { a.logits, 0, c.vocabSize }, false);
    case Step::ReadBack: // read back through the small host-visible buffer
        return rec.copy(
            BufferRef { a.logits.buffer, 0, uint64_t(n) * c.vocabSize * sizeof(float) }, whole(a.readback));
    }
}

void VulkanBackend::embed(Recorder& rec, const GpuMatrix& table, uint32_t tokens)
{
    // One dispatch per piece of the table, each writing the rows it holds.
    for (const MatrixPiece& piece : table.pieces) {
        const EmbedPush push { m_config.dim, piece.rowBegin, piece.rowCount, m_config.dim };
        rec.dispatch(pipelineFor(Op::Embed, table.type), { piece.ref, whole(m_act.tokens), whole(m_act.x) },
            push, ceilDiv(m_config.dim / 4, kEmbedGroup), tokens);
    }
}

void VulkanBackend::rmsNorm(Recorder& rec, const GpuMatrix& weight, uint32_t xOffset, uint32_t tokens)
{
    const RmsNormPush push { m_config.dim, xOffset, m_config.dim, m_config.dim, m_config.normEps };
    rec.dispatch(
        pipelineFor(Op::RmsNorm), { whole(m_act.x), weight.pieces[0].ref, whole(m_act.xn) }, push, tokens);
}

Activation VulkanBackend::normedInput(const PlanStep& step, uint32_t xOffset) const
{
    if (step.kernel == ProductKernel::NormMatVec) return { m_act.x, xOffset, m_config.dim };
    return { m_act.xn, 0, m_config.dim };
}

void VulkanBackend::product(Recorder& rec, const PlanStep& step, Activation x, size_t norm, uint32_t tokens,
    Activation y, bool accumulate)
{
    const GpuMatrix& w = m_weights.matrix(step.matrix);
    if (step.kernel == ProductKernel::Q8MatVec)
        recordQ8Product(rec, m_products, w, m_act.q8, tokens, y, accumulate);
    else if (step.kernel == ProductKernel::NormMatVec)
        recordNormedProduct(rec, m_products, w, { m_weights.matrix(norm), m_config.normEps }, x, tokens, y);
    else
        recordProduct(rec, m_products, step.kernel, w, x, tokens, y, accumulate);
}

void VulkanBackend::swigluProduct(Recorder& rec, const PlanStep& step, size_t norm, uint32_t tokens)
{
    const GpuMatrix& gateUp = m_weights.matrix(step.matrix);
    const Activation h { m_act.h, 0, m_config.ffnDim };
    bool recorded = true;
    if (step.kernel == ProductKernel::Q8MatVec)
        recorded = recordQ8SwigluProduct(rec, m_products, gateUp, m_act.q8, tokens, h);
    else if (step.kernel == ProductKernel::NormMatVec)
        recorded = recordNormedSwigluProduct(rec, m_products, gateUp,
            { m_weights.matrix(norm), m_config.normEps }, { m_act.x, 0, m_config.dim }, tokens, h);
    else
        recordSwigluProduct(rec, m_products, step.kernel, gateUp, { m_act.xn, 0, m_config.dim }, tokens, h);
    HEARTH_CHECK(recorded); // the plan chose a form that applies
}

BufferRef VulkanBackend::ropeFactors() const
{
    return m_ropeFactors ? m_weights.matrix(*m_ropeFactors).pieces[0].ref : whole(m_act.noFactors);
}

void VulkanBackend::ropeProduct(Recorder& rec, const PlanStep& step, size_t layer, uint32_t tokens)
{
    const LlamaConfig& c = m_config;
    const KvCache& kv = m_kv[layer];
    const GpuMatrix& w = m_weights.matrix(step.matrix);
    const RopeStoreArgs rope { m_act.q, kv.k, kv.v, ropeFactors(), m_act.step, c.headCount * c.headDim,
        c.kvHeadCount * c.headDim, c.headDim, c.ropeFreqBase, m_ropeFactors.has_value() };
    if (step.kernel == ProductKernel::Q8MatVec)
        recordQ8RopeProduct(rec, m_products, w, m_act.q8, tokens, step.row, rope);
    else
        recordNormedRopeProduct(rec, m_products, w, { m_weights.matrix(m_layers[layer].attnNorm), c.normEps },
            { m_act.x, 0, c.dim }, tokens, step.row, rope);
}

Status VulkanBackend::forwardBatch(
    std::span<const int32_t> tokens, uint32_t startPos, bool wantLogits, bool allLogits, float* logits)
{
    const uint32_t n = uint32_t(tokens.size());
    const LlamaConfig& c = m_config;
    // What changes between steps lives in host-visible buffers: the tokens and the position.
    std::memcpy(m_act.tokens.mapped, tokens.data(), n * sizeof(int32_t));
    const StepParams step { startPos };
    std::memcpy(m_act.step.mapped, &step, sizeof(step));

    // A one-token step with logits (decode) is recorded once and submitted again for every token: its
    // commands do not depend on the position. Other batches are recorded for their size.
    const bool decodeStep = n == 1 && wantLogits;
    Recorder& rec = decodeStep ? m_decodeRecorder : m_recorder;
    Status submitted = Ok {};
    if (decodeStep && rec.hasRecording()) {
        submitted = rec.submitAgain();
    } else {
        if (Status s = rec.begin(decodeStep); !s.ok()) return s;
        recordBatch(rec, n, wantLogits, allLogits);
        m_lastDispatches = rec.dispatchCount();
        m_lastDispatched = rec.dispatched();
        submitted = rec.submitAndWait();
    }
    if (!submitted.ok()) {
        if (submitted.error().code == ErrorCode::DeviceLost) m_lost = true;
        return submitted;
    }
    m_pipelines.saveCache(); // once new pipelines were compiled (the first batch, the first step)
    if (wantLogits) {
        m_allocator.invalidate(m_act.readback);
        const uint32_t rows = allLogits ? n : 1;
        std::memcpy(logits, m_act.readback.mapped, uint64_t(rows) * c.vocabSize * sizeof(float));
    }
    return Ok {};
}

Status VulkanBackend::forward(std::span<const int32_t> tokens, uint32_t startPos, std::span<float> logits)
{
    if (m_lost) return makeError(ErrorCode::DeviceLost, "the Vulkan device was lost; reload the model");
    const uint32_t n = uint32_t(tokens.size());
    const uint32_t vocab = m_config.vocabSize;
    if (n == 0) return makeError(ErrorCode::InvalidArgument, "forward needs at least one token");
    if (uint64_t(startPos) + n > m_contextLength)
        return makeError(ErrorCode::InvalidArgument,
            "positions " + std::to_string(startPos) + ".." + std::to_string(startPos + n)
                + " exceed the context of " + std::to_string(m_contextLength));
    for (int32_t t : tokens)
        if (t < 0 || uint32_t(t) >= vocab)
            return makeError(
                ErrorCode::InvalidArgument, "token " + std::to_string(t) + " is outside the vocabulary");
    const bool allLogits = logits.size() == size_t(n) * vocab;
    if (!allLogits && logits.size() != vocab)
        return makeError(ErrorCode::InvalidArgument, "logits must hold vocab or tokens x vocab floats");

    // Batches of at most m_batch tokens (m_logitRows when every position's logits come back).
    const uint32_t step = allLogits ? std::min(m_batch, m_logitRows) : m_batch;
    for (uint32_t done = 0; done < n; done += step) {
        const uint32_t count = std::min(step, n - done);
        const bool last = done + count == n;
        float* out = allLogits ? logits.data() + size_t(done) * vocab : logits.data();
        if (Status s
            = forwardBatch(tokens.subspan(done, count), startPos + done, allLogits || last, allLogits, out);
            !s.ok())
            return s;
    }
    return Ok {};
}

} // namespace hearth::vk
