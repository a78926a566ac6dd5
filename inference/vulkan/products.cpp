#include "vulkan/products.h"

#include "vulkan/ops.h"
#include "vulkan/products_cpu.h"
#include "vulkan/vulkan_model.h"

#include <cstdlib>

namespace hearth::vk {

namespace {

uint32_t ceilDiv(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

}  // namespace

ProductPolicy productPolicy(const Device& device, const Pipelines& pipelines)
{
    ProductPolicy policy;
    policy.matVecRows = pipelines.matVecRows();
    // Below this many tokens the mat-vec shader (weights read once per token) beats the tiled one.
    if (const char* env = std::getenv("HEARTH_VK_MATMUL_MIN_TOKENS"))
        policy.tiledMinTokens = uint32_t(std::strtoul(env, nullptr, 10));
    policy.cpuDevice = device.properties().deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    policy.int64 = device.features().int64;
    return policy;
}

void recordProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, Activation x, uint32_t tokens,
                   Activation y, bool accumulate)
{
    const bool tiled = tokens >= policy.tiledMinTokens;
    if (!tiled && policy.cpuDevice && recordCpuMatVec(rec, policy, w, x, tokens, y, accumulate))
        return;
    const ShaderId shader = *shaderFor(tiled ? "mul_mat" : "mul_mat_vec", w.type);
    for (const MatrixPiece& piece : w.pieces) {
        if (tiled) {
            const MatMulPush push{piece.rowCount, w.cols,   tokens,  x.offset, x.stride, y.offset + piece.rowBegin,
                                  y.stride,       accumulate ? 1u : 0u};
            rec.dispatch(shader, {piece.ref, whole(x.buffer), whole(y.buffer)}, push,
                         ceilDiv(piece.rowCount, kMatMulTile), ceilDiv(tokens, kMatMulTile));
        } else {
            const MatVecPush push{piece.rowCount, w.cols, x.offset, x.stride, y.offset + piece.rowBegin, y.stride,
                                  accumulate ? 1u : 0u, 0};
            rec.dispatch(shader, {piece.ref, whole(x.buffer), whole(y.buffer)}, push,
                         ceilDiv(piece.rowCount, policy.matVecRows), tokens);
        }
    }
}

bool recordSwigluProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp, Activation x,
                         uint32_t tokens, Activation h)
{
    if (tokens >= policy.tiledMinTokens || gateUp.pieces.size() != 1)
        return false;
    if (policy.cpuDevice && recordCpuSwigluMatVec(rec, policy, gateUp, x, tokens, h))
        return true;
    const uint32_t ffn = gateUp.rows / 2;
    const MatVecPush push{ffn, gateUp.cols, x.offset, x.stride, h.offset, h.stride, 0, ffn};
    rec.dispatch(*shaderFor("mul_mat_vec_swiglu", gateUp.type),
                 {gateUp.pieces[0].ref, whole(x.buffer), whole(h.buffer)}, push, ceilDiv(ffn, policy.matVecRows),
                 tokens);
    return true;
}

}  // namespace hearth::vk
