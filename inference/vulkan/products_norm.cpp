#include "vulkan/products_norm.h"

#include "vulkan/ops.h"

namespace hearth::vk {

bool fusesNorm(const ProductPolicy& policy, uint32_t tokens)
{
    // CPU devices run their own mat-vec shaders (products_cpu.h), without the norm.
    return tokens < policy.tiledMinTokens && !policy.cpuDevice;
}

bool fusesRope(const ProductPolicy& policy, uint32_t tokens)
{
    bool even = policy.matVecRows % 2 == 0;
    for (const auto& [type, shape] : policy.matVecByType)
        even = even && shape.rows % 2 == 0;
    return fusesNorm(policy, tokens) && even;
}

RopeStoreFields ropeStoreFields(const RopeStoreArgs& rope)
{
    return { rope.qDim, rope.kvDim, rope.headDim, rope.freqBase, rope.hasFactors ? 1u : 0u };
}

RopeOutputs ropeOutputs(const RopeStoreArgs& rope, uint32_t firstRow, uint32_t rows)
{
    const uint32_t end = firstRow + rows;
    const uint32_t kBegin = rope.qDim;
    const uint32_t vBegin = rope.qDim + rope.kvDim;
    const BufferRef q = whole(rope.q), k = whole(rope.kCache), v = whole(rope.vCache);
    if (end <= kBegin) return { q, q, q };
    if (firstRow >= kBegin && end <= vBegin) return { k, k, k };
    if (firstRow >= vBegin) return { v, v, v };
    return { q, k, v };
}

void recordNormedRopeProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w,
    const NormArgs& norm, Activation x, uint32_t tokens, uint32_t firstRow, const RopeStoreArgs& rope)
{
    const ShaderId shader = pipelineFor(Op::MatVecNormRope, w.type);
    for (const MatrixPiece& piece : w.pieces) {
        const MatVecNormRopePush push { { piece.rowCount, w.cols, x.offset, x.stride,
                                            firstRow + piece.rowBegin, 0, 0, 0, norm.eps },
            ropeStoreFields(rope) };
        const RopeOutputs out = ropeOutputs(rope, firstRow + piece.rowBegin, piece.rowCount);
        rec.dispatch(shader,
            { piece.ref, whole(x.buffer), out.q, norm.weight.pieces[0].ref, out.kCache, out.vCache,
                rope.factors, whole(rope.step) },
            push, ceilDiv(piece.rowCount, policy.matVecRowsFor(w.type)), tokens);
    }
}

void recordNormedProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, const NormArgs& norm,
    Activation x, uint32_t tokens, Activation y)
{
    const ShaderId shader = pipelineFor(Op::MatVecNorm, w.type);
    for (const MatrixPiece& piece : w.pieces) {
        const OutputRows out = outputRows(policy, y, piece.rowBegin, piece.rowCount, tokens);
        const MatVecNormPush push { piece.rowCount, w.cols, x.offset, x.stride, out.offset, y.stride, 0, 0,
            norm.eps };
        rec.dispatch(shader, { piece.ref, whole(x.buffer), out.binding, norm.weight.pieces[0].ref }, push,
            ceilDiv(piece.rowCount, policy.matVecRowsFor(w.type)), tokens);
    }
}

bool recordNormedSwigluProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp,
    const NormArgs& norm, Activation x, uint32_t tokens, Activation h)
{
    if (gateUp.pieces.size() != 1) return false;
    const uint32_t ffn = gateUp.rows / 2;
    const MatVecNormPush push { ffn, gateUp.cols, x.offset, x.stride, h.offset, h.stride, 0, ffn, norm.eps };
    rec.dispatch(pipelineFor(Op::MatVecNormSwiglu, gateUp.type),
        { gateUp.pieces[0].ref, whole(x.buffer), whole(h.buffer), norm.weight.pieces[0].ref }, push,
        ceilDiv(ffn, policy.matVecRowsFor(gateUp.type)), tokens);
    return true;
}

} // namespace hearth::vk
