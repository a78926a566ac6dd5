#include "vulkan/products_cpu.h"

#include "vulkan/ops.h"
#include "vulkan/vulkan_model.h"

#include <cstdlib>
#include <string>
#include <string_view>

namespace hearth::vk {

namespace {

// mul_mat_vec_cpu.comp reads rows in runs: the fewest whole blocks that fill a multiple of 16 bytes
// (dequant_wide.glsl's RUN_ELEMS, e.g. 8 Q4_0 blocks = 144 bytes), or 256 elements of float types.
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
        return 256;
    case TensorType::Q6_K:
        return 2048; // 8 blocks of 210 bytes
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

// Whether the shader can read this matrix and activation layout: whole runs per row, pieces that the
// device can view as texel buffers (16-byte texels, aligned offsets, within its largest view),
// activations in whole vec4s. HEARTH_VK_CPU_MATVEC=0 keeps the generic mul_mat_vec (for comparing
// the two).
bool applies(const ProductPolicy& policy, const GpuMatrix& w, Activation x)
{
    if (const char* env = std::getenv("HEARTH_VK_CPU_MATVEC"); env && std::string_view(env) == "0")
        return false;
    const uint32_t run = runElems(w.type);
    if (run == 0 || w.cols % run != 0 || x.offset % 4 != 0 || x.stride % 4 != 0) return false;
    for (const MatrixPiece& piece : w.pieces) {
        const uint64_t bytes = rowsView(w, piece).range;
        const bool viewable = piece.ref.offset % kTexelBytes == 0 && piece.ref.offset % policy.texelAlignment == 0 &&
                              bytes % kTexelBytes == 0 && bytes <= policy.maxTexelRange;
        if (!viewable) return false;
    }
    return true;
}

ShaderId variant(bool swiglu, TensorType type)
{
    return *shaderFor(swiglu ? "mul_mat_vec_cpu_swiglu" : "mul_mat_vec_cpu", type);
}

} // namespace

bool recordCpuMatVec(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, Activation x,
    uint32_t tokens, Activation y, bool accumulate)
{
    if (!applies(policy, w, x)) return false;
    const ShaderId shader = variant(false, w.type);
    for (const MatrixPiece& piece : w.pieces) {
        const MatVecPush push { piece.rowCount, w.cols, x.offset, x.stride, y.offset + piece.rowBegin,
            y.stride, accumulate ? 1u : 0u, 0 };
        rec.dispatch(shader, { rowsView(w, piece), whole(x.buffer), whole(y.buffer) }, push,
            ceilDiv(piece.rowCount, rowsPerGroup(w.type, 1)), tokens);
    }
    return true;
}

bool recordCpuSwigluMatVec(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp, Activation x,
    uint32_t tokens, Activation h)
{
    if (gateUp.pieces.size() != 1 || !applies(policy, gateUp, x)) return false;
    const uint32_t ffn = gateUp.rows / 2;
    const MatVecPush push { ffn, gateUp.cols, x.offset, x.stride, h.offset, h.stride, 0, ffn };
    rec.dispatch(variant(true, gateUp.type),
        { rowsView(gateUp, gateUp.pieces[0]), whole(x.buffer), whole(h.buffer) }, push,
        ceilDiv(ffn, rowsPerGroup(gateUp.type, 2)), tokens);
    return true;
}

} // namespace hearth::vk
