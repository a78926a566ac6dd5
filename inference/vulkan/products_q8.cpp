#include "vulkan/products_q8.h"

#include "vulkan/ops.h"

namespace hearth::vk {

namespace {

void dispatchQuantize(Recorder& rec, ShaderId shader, std::initializer_list<BufferRef> bindings, Activation x,
    uint32_t cols, uint32_t tokens, float eps)
{
    const QuantizeQ8Push push { cols, x.offset, x.stride, 0, q8Stride(cols), eps };
    rec.dispatch(shader, bindings, push, ceilDiv(cols / 32, kQuantizeQ8Group), tokens);
}

} // namespace

bool usesIntDot(const ProductPolicy& policy, uint32_t tokens)
{
    return policy.intDot && tokens < policy.tiledMinTokens && !policy.cpuDevice;
}

bool hasIntDotProduct(const GpuMatrix& w)
{
    return findPipeline(Op::Q8MatVec, w.type).has_value();
}

void recordQuantize(Recorder& rec, Activation x, uint32_t cols, uint32_t tokens, const Buffer& q8)
{
    dispatchQuantize(rec, pipelineFor(Op::QuantizeQ8), { whole(x.buffer), whole(q8) }, x, cols, tokens, 0.0f);
}

void recordNormQuantize(
    Recorder& rec, const NormArgs& norm, Activation x, uint32_t cols, uint32_t tokens, const Buffer& q8)
{
    dispatchQuantize(rec, pipelineFor(Op::QuantizeQ8Norm),
        { whole(x.buffer), whole(q8), norm.weight.pieces[0].ref }, x, cols, tokens, norm.eps);
}

void recordQ8Product(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, const Buffer& q8,
    uint32_t tokens, Activation y, bool accumulate)
{
    const ShaderId shader = pipelineFor(Op::Q8MatVec, w.type);
    for (const MatrixPiece& piece : w.pieces) {
        const OutputRows out = outputRows(policy, y, piece.rowBegin, piece.rowCount, tokens);
        const MatVecPush push { piece.rowCount, w.cols, 0, q8Stride(w.cols), out.offset, y.stride,
            accumulate ? 1u : 0u, 0 };
        rec.dispatch(shader, { piece.ref, whole(q8), out.binding }, push,
            ceilDiv(piece.rowCount, policy.q8Rows), tokens);
    }
}

bool q8FusesRope(const ProductPolicy& policy, uint32_t tokens)
{
    return usesIntDot(policy, tokens) && policy.q8Rows % 2 == 0;
}

void recordQ8RopeProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, const Buffer& q8,
    uint32_t tokens, uint32_t firstRow, const RopeStoreArgs& rope)
{
    const ShaderId shader = pipelineFor(Op::Q8MatVecRope, w.type);
    for (const MatrixPiece& piece : w.pieces) {
        const MatVecRopePush push { { piece.rowCount, w.cols, 0, q8Stride(w.cols), firstRow + piece.rowBegin,
                                        0, 0, 0 },
            ropeStoreFields(rope) };
        const RopeOutputs out = ropeOutputs(rope, firstRow + piece.rowBegin, piece.rowCount);
        rec.dispatch(shader,
            { piece.ref, whole(q8), out.q, out.kCache, out.vCache, rope.factors, whole(rope.step) }, push,
            ceilDiv(piece.rowCount, policy.q8Rows), tokens);
    }
}

bool recordQ8SwigluProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp,
    const Buffer& q8, uint32_t tokens, Activation h)
{
    if (gateUp.pieces.size() != 1) return false;
    const uint32_t ffn = gateUp.rows / 2;
    const MatVecPush push { ffn, gateUp.cols, 0, q8Stride(gateUp.cols), h.offset, h.stride, 0, ffn };
    rec.dispatch(pipelineFor(Op::Q8MatVecSwiglu, gateUp.type),
        { gateUp.pieces[0].ref, whole(q8), whole(h.buffer) }, push, ceilDiv(ffn, policy.q8Rows), tokens);
    return true;
}

} // namespace hearth::vk
