// The Vulkan forward pass. It reads like the CPU one: one commented line per step, one dispatch per
// line. A whole batch (one token in decode) is recorded into one command buffer and submitted once;
// the GPU runs every layer without the CPU waiting in between.
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

void VulkanBackend::matmul(Recorder& rec, const GpuMatrix& w, const Buffer& x, uint32_t xOffset,
    uint32_t xStride, uint32_t tokens, const Buffer& y, uint32_t yOffset, uint32_t yStride, bool accumulate)
{
    recordProduct(rec, m_products, w, { x, xOffset, xStride }, tokens, { y, yOffset, yStride }, accumulate);
}

NormPath VulkanBackend::normPath(uint32_t tokens, std::span<const size_t> products) const
{
    // Quantized only when every product reading the norm has an integer-dot-product shader: otherwise
    // the quantized vector would be written for nothing.
    const bool allIntDot = std::all_of(
        products.begin(), products.end(), [&](size_t id) { return hasIntDotProduct(m_weights.matrix(id)); });
    if (usesIntDot(m_products, tokens) && allIntDot) return NormPath::Quantized;
    return fusesNorm(m_products, tokens) ? NormPath::Fused : NormPath::Separate;
}

void VulkanBackend::prepareNorm(Recorder& rec, NormPath path, size_t norm, uint32_t n, uint32_t xOffset)
{
    if (path == NormPath::Separate)
        rmsNorm(rec, m_act.x, xOffset, norm, n, m_act.xn);
    else if (path == NormPath::Quantized)
        recordNormQuantize(rec, { m_weights.matrix(norm), m_config.normEps },
            { m_act.x, xOffset, m_config.dim }, m_config.dim, n, m_act.q8);
}

void VulkanBackend::normedProduct(Recorder& rec, const GpuMatrix& w, size_t norm, NormPath path, uint32_t n,
    const Buffer& y, uint32_t yOffset, uint32_t yStride, uint32_t xOffset)
{
    if (path == NormPath::Quantized && hasIntDotProduct(w))
        recordQ8Product(rec, m_products, w, m_act.q8, n, { y, yOffset, yStride }, false);
    else if (path != NormPath::Separate)
        recordNormedProduct(rec, m_products, w, { m_weights.matrix(norm), m_config.normEps },
            { m_act.x, xOffset, m_config.dim }, n, { y, yOffset, yStride });
    else
        matmul(rec, w, m_act.xn, 0, m_config.dim, n, y, yOffset, yStride, false);
}

bool VulkanBackend::normedSwigluProduct(
    Recorder& rec, const GpuMatrix& gateUp, size_t norm, NormPath path, uint32_t n)
{
    const Activation h { m_act.h, 0, m_config.ffnDim };
    if (path == NormPath::Quantized && hasIntDotProduct(gateUp))
        return recordQ8SwigluProduct(rec, m_products, gateUp, m_act.q8, n, h);
    if (path != NormPath::Separate)
        return recordNormedSwigluProduct(rec, m_products, gateUp,
            { m_weights.matrix(norm), m_config.normEps }, { m_act.x, 0, m_config.dim }, n, h);
    return recordSwigluProduct(rec, m_products, gateUp, { m_act.xn, 0, m_config.dim }, n, h);
}

void VulkanBackend::addProduct(Recorder& rec, const GpuMatrix& w, const Buffer& v, uint32_t cols, uint32_t n)
{
    if (usesIntDot(m_products, n) && hasIntDotProduct(w)) {
        recordQuantize(rec, { v, 0, cols }, cols, n, m_act.q8);
        recordQ8Product(rec, m_products, w, m_act.q8, n, { m_act.x, 0, m_config.dim }, true);
    } else {
        matmul(rec, w, v, 0, cols, n, m_act.x, 0, m_config.dim, true);
    }
}

bool VulkanBackend::qkvProducts(
    Recorder& rec, const LayerMatrices& layer, NormPath path, uint32_t n, const RopeStoreArgs& rope)
{
    const bool quantized = path == NormPath::Quantized;
    const bool ropeFused
        = quantized ? q8FusesRope(m_products, n) : path == NormPath::Fused && fusesRope(m_products, n);
    const uint32_t qkvDim = rope.qDim + 2 * rope.kvDim;
    uint32_t offset = 0;
    for (size_t id : layer.qkv) {
        const GpuMatrix& w = m_weights.matrix(id);
        if (ropeFused && quantized)
            recordQ8RopeProduct(rec, m_products, w, m_act.q8, n, offset, rope);
        else if (ropeFused)
            recordNormedRopeProduct(rec, m_products, w,
                { m_weights.matrix(layer.attnNorm), m_config.normEps }, { m_act.x, 0, m_config.dim }, n,
                offset, rope);
        else
            normedProduct(rec, w, layer.attnNorm, path, n, m_act.qkv, offset, qkvDim);
        offset += w.rows;
    }
    return ropeFused;
}

void VulkanBackend::rmsNorm(
    Recorder& rec, const Buffer& x, uint32_t xOffset, size_t weight, uint32_t tokens, const Buffer& y)
{
    const RmsNormPush push { m_config.dim, xOffset, m_config.dim, m_config.dim, m_config.normEps };
    rec.dispatch(pipelineFor(Op::RmsNorm), { whole(x), m_weights.matrix(weight).pieces[0].ref, whole(y) },
        push, tokens);
}

void VulkanBackend::recordLayer(Recorder& rec, const LayerMatrices& layer, uint32_t n)
{
    const LlamaConfig& c = m_config;
    const uint32_t qDim = c.headCount * c.headDim;
    const uint32_t kvDim = c.kvHeadCount * c.headDim;
    const uint32_t qkvDim = qDim + 2 * kvDim;
    const Activations& a = m_act;
    const BufferRef factors
        = m_ropeFactors ? m_weights.matrix(*m_ropeFactors).pieces[0].ref : whole(a.noFactors);

    // In decode on a GPU each RMSNorm is fused into the products that follow it (products_norm.h), or
    // with integer dot products into the quantization of their input (products_q8.h); otherwise
    // xn = rmsNorm(x) is written first.
    const NormPath attnNorm = normPath(n, layer.qkv);
    const NormPath ffnNorm = normPath(n, layer.gateUp);

    // attention: qkv = [wq; wk; wv] rmsNorm(x) (one dispatch when the three share a type), then
    // q, k = rope(q, k); k and v stored into the cache at startPos.. In decode on a GPU the rope and
    // the store are part of the product.
    prepareNorm(rec, attnNorm, layer.attnNorm, n);
    const RopeStoreArgs ropeStore { a.q, layer.k, layer.v, factors, a.step, qDim, kvDim, c.headDim,
        c.ropeFreqBase, m_ropeFactors.has_value() };
    if (!qkvProducts(rec, layer, attnNorm, n, ropeStore)) {
        const RopeStorePush rope { n, qDim, kvDim, c.headDim, c.ropeFreqBase, m_ropeFactors ? 1u : 0u };
        rec.dispatch(pipelineFor(Op::RopeStore),
            { whole(a.qkv), whole(a.q), whole(layer.k), whole(layer.v), factors, whole(a.step) }, rope,
            ceilDiv(n * qkvDim / 2, kRopeGroup));
    }
    // att = softmax(q k^T / sqrt(headDim), causal) v, per head with grouped kv heads
    recordAttention(rec, { c.headCount, c.kvHeadCount, c.headDim }, n, m_attention,
        { a.q, layer.k, layer.v, a.att, a.attPartials, a.step });
    // x += wo att (the residual add is fused into the product)
    addProduct(rec, m_weights.matrix(layer.wo), a.att, qDim, n);

    // feed-forward: h = silu(gate n) * (up n) with n = rmsNorm(x): both products and the gate in one
    // dispatch where it applies (a stacked one-piece [gate; up])
    prepareNorm(rec, ffnNorm, layer.ffnNorm, n);
    const bool swigluFused = layer.gateUp.size() == 1
        && normedSwigluProduct(rec, m_weights.matrix(layer.gateUp[0]), layer.ffnNorm, ffnNorm, n);
    if (!swigluFused) {
        // gu = [gate; up] n
        uint32_t offset = 0;
        for (size_t id : layer.gateUp) {
            normedProduct(
                rec, m_weights.matrix(id), layer.ffnNorm, ffnNorm, n, a.gateUp, offset, 2 * c.ffnDim);
            offset += m_weights.matrix(id).rows;
        }
        // h = silu(gate) * up
        const SwigluPush push { c.ffnDim, n };
        rec.dispatch(pipelineFor(Op::Swiglu), { whole(a.gateUp), whole(a.h) }, push,
            ceilDiv(n * c.ffnDim, kElementwiseGroup));
    }
    // x += down h
    addProduct(rec, m_weights.matrix(layer.down), a.h, c.ffnDim, n);
}

void VulkanBackend::recordBatch(Recorder& rec, uint32_t n, bool wantLogits, bool allLogits)
{
    const LlamaConfig& c = m_config;
    // x = embedding rows of the tokens (one dispatch per piece of the table)
    const GpuMatrix& embd = m_weights.matrix(m_tokenEmbedding);
    for (const MatrixPiece& piece : embd.pieces) {
        const EmbedPush push { c.dim, piece.rowBegin, piece.rowCount, c.dim };
        rec.dispatch(pipelineFor(Op::Embed, embd.type), { piece.ref, whole(m_act.tokens), whole(m_act.x) },
            push, ceilDiv(c.dim / 4, kEmbedGroup), n);
    }
    // the layers
    for (const LayerMatrices& layer : m_layers)
        recordLayer(rec, layer, n);
    if (wantLogits) {
        // logits = output rmsNorm(x), for every token or only the last
        const uint32_t rows = allLogits ? n : 1;
        const NormPath outputNorm = normPath(rows, std::span(&m_output, 1));
        prepareNorm(rec, outputNorm, m_outputNorm, rows, (n - rows) * c.dim);
        normedProduct(rec, m_weights.matrix(m_output), m_outputNorm, outputNorm, rows, m_act.logits, 0,
            c.vocabSize, (n - rows) * c.dim);
        // read back through the small host-visible buffer
        rec.copy(BufferRef { m_act.logits.buffer, 0, uint64_t(rows) * c.vocabSize * sizeof(float) },
            whole(m_act.readback));
    }
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
