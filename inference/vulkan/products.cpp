#include "vulkan/products.h"

#include "vulkan/ops.h"
#include "vulkan/products_cpu.h"

#include <algorithm>

namespace hearth::vk {

ProductPolicy productPolicy(const Device& device, const Pipelines& pipelines)
{
    const KernelConfig& config = pipelines.config();
    ProductPolicy policy;
    policy.matVecRows = config.matVec.rows;
    // Below this many tokens the mat-vec shader (weights read once per token) beats the tiled one.
    policy.tiledMinTokens = config.tiledMinTokens;
    policy.cpuDevice = takesCpuShaders(device, config);
    policy.cpuTiledMatMul = policy.cpuDevice && config.prefill == PrefillTile::Cpu;
    const bool cpuMatVecRuns = policy.cpuDevice && device.subgroupSize() >= 8;
    policy.cpuMatVec = cpuMatVecRuns && config.matVec.cpuShader;
    for (auto [type, shape] : config.matVecByType) {
        shape.cpuShader = shape.cpuShader && cpuMatVecRuns;
        policy.matVecByType[type] = shape;
    }
    const VkPhysicalDeviceLimits& limits = device.properties().limits;
    policy.maxTexelRange = uint64_t(limits.maxTexelBufferElements) * kTexelBytes;
    policy.texelAlignment = std::max<uint64_t>(1, limits.minTexelBufferOffsetAlignment);
    policy.wideMatMul = config.prefill == PrefillTile::Tile128;
    // CPU devices keep their own mat-vec shaders (products_cpu.h), shaped for them.
    policy.intDot = config.intDot && device.features().intDot && !policy.cpuDevice;
    policy.q8Rows = config.q8.rows;
    policy.storageAlignment = device.storageAlignment();
    return policy;
}

OutputRows outputRows(
    const ProductPolicy& policy, Activation y, uint32_t firstRow, uint32_t rows, uint32_t tokens)
{
    const uint32_t first = y.offset + firstRow;
    if (tokens != 1) return { whole(y.buffer), first };
    const uint64_t begin = uint64_t(first) * sizeof(float);
    const uint64_t bound = begin / policy.storageAlignment * policy.storageAlignment;
    const uint64_t end = begin + uint64_t(rows) * sizeof(float);
    return { BufferRef { y.buffer.buffer, bound, end - bound }, uint32_t((begin - bound) / sizeof(float)) };
}

ProductKernel productKernel(
    const ProductPolicy& policy, const GpuMatrix& w, uint32_t xOffset, uint32_t xStride, uint32_t tokens)
{
    const bool tiled = tokens >= policy.tiledMinTokens;
    if (!tiled)
        return policy.cpuMatVecFor(w.type) && cpuMatVecApplies(policy, w, xOffset, xStride)
            ? ProductKernel::CpuMatVec
            : ProductKernel::MatVec;
    if (policy.cpuTiledMatMul && cpuMatMulApplies(policy, w)) return ProductKernel::CpuMatMul;
    // Below half a wide tile, most of the wide tile's work would be wasted.
    return policy.wideMatMul && tokens >= kMatMulWideTile / 2 ? ProductKernel::MatMulWide
                                                              : ProductKernel::MatMul;
}

void recordProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, Activation x,
    uint32_t tokens, Activation y, bool accumulate)
{
    recordProduct(
        rec, policy, productKernel(policy, w, x.offset, x.stride, tokens), w, x, tokens, y, accumulate);
}

void recordProduct(Recorder& rec, const ProductPolicy& policy, ProductKernel kernel, const GpuMatrix& w,
    Activation x, uint32_t tokens, Activation y, bool accumulate)
{
    if (kernel == ProductKernel::CpuMatVec && recordCpuMatVec(rec, policy, w, x, tokens, y, accumulate))
        return;
    if (kernel == ProductKernel::CpuMatMul && recordCpuMatMul(rec, policy, w, x, tokens, y, accumulate))
        return;
    HEARTH_CHECK(kernel == ProductKernel::MatVec || kernel == ProductKernel::MatMul
        || kernel == ProductKernel::MatMulWide);
    const bool tiled = kernel != ProductKernel::MatVec;
    const bool wide = kernel == ProductKernel::MatMulWide;
    const uint32_t tile = wide ? kMatMulWideTile : kMatMulTile;
    const ShaderId shader = pipelineFor(wide ? Op::MatMulWide : tiled ? Op::MatMul : Op::MatVec, w.type);
    for (const MatrixPiece& piece : w.pieces) {
        const OutputRows out = outputRows(policy, y, piece.rowBegin, piece.rowCount, tokens);
        if (tiled) {
            const MatMulPush push { piece.rowCount, w.cols, tokens, x.offset, x.stride, out.offset, y.stride,
                accumulate ? 1u : 0u };
            rec.dispatch(shader, { piece.ref, whole(x.buffer), out.binding }, push,
                ceilDiv(piece.rowCount, tile), ceilDiv(tokens, tile));
        } else {
            const MatVecPush push { piece.rowCount, w.cols, x.offset, x.stride, out.offset, y.stride,
                accumulate ? 1u : 0u, 0 };
            rec.dispatch(shader, { piece.ref, whole(x.buffer), out.binding }, push,
                ceilDiv(piece.rowCount, policy.matVecRowsFor(w.type)), tokens);
        }
    }
}

std::optional<ProductKernel> swigluKernel(
    const ProductPolicy& policy, const GpuMatrix& gateUp, uint32_t xOffset, uint32_t xStride, uint32_t tokens)
{
    if (tokens >= policy.tiledMinTokens || gateUp.pieces.size() != 1) return std::nullopt;
    return policy.cpuMatVecFor(gateUp.type) && cpuMatVecApplies(policy, gateUp, xOffset, xStride)
        ? ProductKernel::CpuMatVec
        : ProductKernel::MatVec;
}

bool recordSwigluProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp, Activation x,
    uint32_t tokens, Activation h)
{
    const std::optional<ProductKernel> kernel = swigluKernel(policy, gateUp, x.offset, x.stride, tokens);
    if (!kernel) return false;
    recordSwigluProduct(rec, policy, *kernel, gateUp, x, tokens, h);
    return true;
}

void recordSwigluProduct(Recorder& rec, const ProductPolicy& policy, ProductKernel kernel,
    const GpuMatrix& gateUp, Activation x, uint32_t tokens, Activation h)
{
    if (kernel == ProductKernel::CpuMatVec && recordCpuSwigluMatVec(rec, policy, gateUp, x, tokens, h))
        return;
    HEARTH_CHECK(kernel == ProductKernel::MatVec && gateUp.pieces.size() == 1);
    const uint32_t ffn = gateUp.rows / 2;
    const MatVecPush push { ffn, gateUp.cols, x.offset, x.stride, h.offset, h.stride, 0, ffn };
    rec.dispatch(pipelineFor(Op::MatVecSwiglu, gateUp.type),
        { gateUp.pieces[0].ref, whole(x.buffer), whole(h.buffer) }, push,
        ceilDiv(ffn, policy.matVecRowsFor(gateUp.type)), tokens);
}

} // namespace hearth::vk
