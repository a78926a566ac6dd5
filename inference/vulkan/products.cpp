#include "vulkan/products.h"

#include "vulkan/ops.h"
#include "vulkan/products_cpu.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace hearth::vk {

ProductPolicy productPolicy(const Device& device, const Pipelines& pipelines)
{
    ProductPolicy policy;
    policy.matVecRows = pipelines.matVecRows();
    // Below this many tokens the mat-vec shader (weights read once per token) beats the tiled one.
    if (const char* env = std::getenv("HEARTH_VK_MATMUL_MIN_TOKENS"))
        policy.tiledMinTokens = uint32_t(std::strtoul(env, nullptr, 10));
    policy.cpuDevice = device.properties().deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    // HEARTH_VK_CPU_MATMUL=0 keeps the tiled GPU shader on a CPU device (for comparing the two).
    const char* cpuMatMul = std::getenv("HEARTH_VK_CPU_MATMUL");
    policy.cpuTiledMatMul = policy.cpuDevice && !(cpuMatMul && std::string_view(cpuMatMul) == "0");
    policy.cpuMatVec = policy.cpuDevice && device.subgroupSize() >= 8;
    const VkPhysicalDeviceLimits& limits = device.properties().limits;
    policy.maxTexelRange = uint64_t(limits.maxTexelBufferElements) * kTexelBytes;
    policy.texelAlignment = std::max<uint64_t>(1, limits.minTexelBufferOffsetAlignment);
    const char* tile = std::getenv("HEARTH_VK_MATMUL_TILE");
    policy.wideMatMul = tile && std::string_view(tile) == "128";
    // Off unless HEARTH_VK_INT_DOT=1: nobody has measured it on a GPU yet. The lead measures it against
    // the float mat-vec (hearth-vk-opbench suite 8b) on a GPU and decides the default then; it stays
    // off on CPU devices, whose own mat-vec shaders are shaped for them (products_cpu.h).
    const char* intDot = std::getenv("HEARTH_VK_INT_DOT");
    policy.intDot
        = device.features().intDot && !policy.cpuDevice && intDot && std::string_view(intDot) == "1";
    policy.q8Rows = pipelines.q8Rows();
    return policy;
}

void recordProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, Activation x,
    uint32_t tokens, Activation y, bool accumulate)
{
    const bool tiled = tokens >= policy.tiledMinTokens;
    if (!tiled && policy.cpuMatVec && recordCpuMatVec(rec, policy, w, x, tokens, y, accumulate)) return;
    if (tiled && policy.cpuTiledMatMul && recordCpuMatMul(rec, policy, w, x, tokens, y, accumulate)) return;
    // Below half a wide tile, most of the wide tile's work would be wasted.
    const bool wide = tiled && policy.wideMatMul && tokens >= kMatMulWideTile / 2;
    const uint32_t tile = wide ? kMatMulWideTile : kMatMulTile;
    const ShaderId shader = pipelineFor(wide ? Op::MatMulWide : tiled ? Op::MatMul : Op::MatVec, w.type);
    for (const MatrixPiece& piece : w.pieces) {
        if (tiled) {
            const MatMulPush push { piece.rowCount, w.cols, tokens, x.offset, x.stride,
                y.offset + piece.rowBegin, y.stride, accumulate ? 1u : 0u };
            rec.dispatch(shader, { piece.ref, whole(x.buffer), whole(y.buffer) }, push,
                ceilDiv(piece.rowCount, tile), ceilDiv(tokens, tile));
        } else {
            const MatVecPush push { piece.rowCount, w.cols, x.offset, x.stride, y.offset + piece.rowBegin,
                y.stride, accumulate ? 1u : 0u, 0 };
            rec.dispatch(shader, { piece.ref, whole(x.buffer), whole(y.buffer) }, push,
                ceilDiv(piece.rowCount, policy.matVecRows), tokens);
        }
    }
}

bool recordSwigluProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp, Activation x,
    uint32_t tokens, Activation h)
{
    if (tokens >= policy.tiledMinTokens || gateUp.pieces.size() != 1) return false;
    if (policy.cpuMatVec && recordCpuSwigluMatVec(rec, policy, gateUp, x, tokens, h)) return true;
    const uint32_t ffn = gateUp.rows / 2;
    const MatVecPush push { ffn, gateUp.cols, x.offset, x.stride, h.offset, h.stride, 0, ffn };
    rec.dispatch(pipelineFor(Op::MatVecSwiglu, gateUp.type),
        { gateUp.pieces[0].ref, whole(x.buffer), whole(h.buffer) }, push, ceilDiv(ffn, policy.matVecRows),
        tokens);
    return true;
}

} // namespace hearth::vk
