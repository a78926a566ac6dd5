#include "vulkan/products_cpu.h"

#include "vulkan/ops.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace hearth::vk {

namespace {

// mul_mat_cpu.comp's tokens per workgroup and activation chunk (elements).
constexpr uint32_t kMatMulCpuTokens = 8;
constexpr uint32_t kMatMulCpuChunk = 128;

// Worker threads of a CPU device: lavapipe starts one per host core.
uint32_t cpuCores()
{
    return std::max(1u, std::thread::hardware_concurrency());
}

// Whether the device can view `bytes` of weights at `ref` as a texel buffer (16-byte texels, aligned
// offset, within its largest view).
bool texelViewable(const ProductPolicy& policy, const BufferRef& ref, uint64_t bytes)
{
    return ref.offset % kTexelBytes == 0 && ref.offset % policy.texelAlignment == 0
        && bytes % kTexelBytes == 0 && bytes <= policy.maxTexelRange;
}

// mul_mat_vec_cpu.comp reads rows in runs: the fewest whole blocks that fill a multiple of 16 bytes
// (RUN_ELEMS of each format in shaders/include/dequant/, e.g. 8 Q4_0 blocks = 144 bytes), or 256
// elements of float types.
uint32_t runElems(TensorType type)
{
    switch (type) {
    case TensorType::F32:
    case TensorType::F16:
    case TensorType::BF16:
    case TensorType::Q4_0:
    case TensorType::Q8_0:
    case TensorType::Q4_K:
    case TensorType::Q5_K:
    case TensorType::Q4_1:
    case TensorType::Q5_0:
    case TensorType::Q5_1:
    case TensorType::IQ4_NL:
        return 256;
    case TensorType::IQ4_XS:
        return 512; // 2 blocks of 136 bytes
    case TensorType::Q2_K:
        return 1024; // 4 blocks of 84 bytes
    case TensorType::Q6_K:
        return 2048; // 8 blocks of 210 bytes
    case TensorType::Q3_K:
    case TensorType::IQ3_S:
        return 2048; // 8 blocks of 110 bytes
    default:
        return 0;
    }
}

// Rows per workgroup: 8 lanes of the shader's LANE_DOTS dots (rows, or gate and up rows) each.
uint32_t laneDots(TensorType type)
{
    return type == TensorType::Q6_K ? 64 : 32;
}
uint32_t rowsPerGroup(TensorType type, uint32_t dotsPerRow)
{
    return 8 * (laneDots(type) / dotsPerRow);
}

// A piece's rows without the padding after them: what the shader's texel view covers.
BufferRef rowsView(const GpuMatrix& w, const MatrixPiece& piece)
{
    return { piece.ref.buffer, piece.ref.offset, uint64_t(piece.rowCount) * w.rowBytes };
}

ShaderId variant(bool swiglu, TensorType type)
{
    return pipelineFor(swiglu ? Op::CpuMatVecSwiglu : Op::CpuMatVec, type);
}

} // namespace

// Whether the shader can read this matrix and activation layout: whole runs per row, pieces that the
// device can view as texel buffers (16-byte texels, aligned offsets, within its largest view),
// activations in whole vec4s. (policy.cpuMatVec, the kernel config's choice, says whether it is wanted.)
bool cpuMatVecApplies(const ProductPolicy& policy, const GpuMatrix& w, uint32_t xOffset, uint32_t xStride)
{
    const uint32_t run = runElems(w.type);
    if (run == 0 || w.cols % run != 0 || xOffset % 4 != 0 || xStride % 4 != 0) return false;
    for (const MatrixPiece& piece : w.pieces)
        if (!texelViewable(policy, piece.ref, rowsView(w, piece).range)) return false;
    return true;
}

// Each piece's texels cover its rows and as much of the padding after them as whole texels do: a
// row's last chunk may fetch one texel past its bytes.
bool cpuMatMulApplies(const ProductPolicy& policy, const GpuMatrix& w)
{
    if (w.cols % kMatMulCpuChunk != 0) return false;
    for (const MatrixPiece& piece : w.pieces)
        if (!texelViewable(policy, piece.ref, piece.ref.range / kTexelBytes * kTexelBytes)) return false;
    return true;
}

bool recordCpuMatVec(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, Activation x,
    uint32_t tokens, Activation y, bool accumulate)
{
    if (!cpuMatVecApplies(policy, w, x.offset, x.stride)) return false;
    const ShaderId shader = variant(false, w.type);
    for (const MatrixPiece& piece : w.pieces) {
        const OutputRows out = outputRows(policy, y, piece.rowBegin, piece.rowCount, tokens);
        const MatVecPush push { piece.rowCount, w.cols, x.offset, x.stride, out.offset, y.stride,
            accumulate ? 1u : 0u, 0 };
        rec.dispatch(shader, { rowsView(w, piece), whole(x.buffer), out.binding }, push,
            ceilDiv(piece.rowCount, rowsPerGroup(w.type, 1)), tokens);
    }
    return true;
}

bool recordCpuSwigluMatVec(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp, Activation x,
    uint32_t tokens, Activation h)
{
    if (gateUp.pieces.size() != 1 || !cpuMatVecApplies(policy, gateUp, x.offset, x.stride)) return false;
    const uint32_t ffn = gateUp.rows / 2;
    const MatVecPush push { ffn, gateUp.cols, x.offset, x.stride, h.offset, h.stride, 0, ffn };
    rec.dispatch(variant(true, gateUp.type),
        { rowsView(gateUp, gateUp.pieces[0]), whole(x.buffer), whole(h.buffer) }, push,
        ceilDiv(ffn, rowsPerGroup(gateUp.type, 2)), tokens);
    return true;
}

bool recordCpuMatMul(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, Activation x,
    uint32_t tokens, Activation y, bool accumulate)
{
    if (!cpuMatMulApplies(policy, w)) return false;
    std::vector<BufferRef> views;
    for (const MatrixPiece& piece : w.pieces)
        views.push_back({ piece.ref.buffer, piece.ref.offset, piece.ref.range / kTexelBytes * kTexelBytes });
    const uint32_t tokenGroups = ceilDiv(tokens, kMatMulCpuTokens);
    for (size_t i = 0; i < w.pieces.size(); ++i) {
        const MatrixPiece& piece = w.pieces[i];
        // The shader loops over its rows: split them only as far as needed to give every core (a
        // lavapipe worker thread) a couple of workgroups, since each split reloads x.
        const uint32_t splits
            = std::clamp(ceilDiv(2 * cpuCores(), tokenGroups), 1u, ceilDiv(piece.rowCount, 8));
        const OutputRows out = outputRows(policy, y, piece.rowBegin, piece.rowCount, tokens);
        const MatMulPush push { piece.rowCount, w.cols, tokens, x.offset, x.stride, out.offset, y.stride,
            accumulate ? 1u : 0u };
        rec.dispatch(pipelineFor(Op::CpuMatMul, w.type), { views[i], whole(x.buffer), out.binding }, push,
            splits, tokenGroups);
    }
    return true;
}

} // namespace hearth::vk
