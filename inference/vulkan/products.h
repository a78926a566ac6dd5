// Matrix products on the device, shared by the forward pass, the per-operation tests and the
// operation benchmark: which shader runs a product (mat-vec for a few tokens, tiled mat-mat for a
// batch) and how its workgroups are laid out on this device.
#pragma once

#include "vulkan/commands.h"
#include "vulkan/kernel_config.h"
#include "vulkan/weights.h"

#include <cstdint>
#include <map>
#include <optional>

namespace hearth::vk {

struct ProductPolicy {
    uint32_t matVecRows = 4; // rows per mat-vec workgroup (the shader's specialization constant)
    // The weight types tuned to a kernel of their own (kernel_config.h); cpuShader only where cpuMatVec
    // could be.
    std::map<TensorType, MatVecShape> matVecByType;
    uint32_t tiledMinTokens = 8; // batches this large use the tiled mat-mat shader
    bool cpuDevice = false; // lavapipe & co.: products_cpu.h's shaders where they apply
    bool cpuTiledMatMul = false; // batches use mul_mat_cpu (rows in SIMD lanes) instead of mul_mat
    // mul_mat_vec_cpu shares activations across its 8 invocations with subgroup broadcasts, so they
    // must be one subgroup: not on a CPU device with narrower subgroups (lavapipe on 128-bit SIMD).
    bool cpuMatVec = false;
    // Texel-buffer limits (products_cpu.h's shaders read their weights through one): the largest view
    // in bytes and the alignment of its offset.
    uint64_t maxTexelRange = 0;
    uint64_t texelAlignment = 1;
    // Batches of kMatMulWideTile / 2 tokens or more take mul_mat_wide's 128 x 128 tiles (where the
    // kernel config says so: tuned, or HEARTH_VK_MATMUL_TILE=128).
    bool wideMatMul = false;
    // Decode batches quantize their activations to int8 and take packed integer dot products
    // (products_q8.h): a GPU with shaderIntegerDotProduct, where the kernel config says so.
    bool intDot = false;
    uint32_t q8Rows = 4; // rows per mul_mat_vec_q8 workgroup (its specialization constant)
    // Offsets of storage-buffer bindings are multiples of this (Device::storageAlignment; 256 is the
    // most a device may ask): where a product binds only the rows it writes (outputRows).
    uint64_t storageAlignment = 256;

    // Rows per mat-vec workgroup for weights of `type`, and whether their decode products take
    // mul_mat_vec_cpu (where it applies).
    uint32_t matVecRowsFor(TensorType type) const
    {
        const auto it = matVecByType.find(type);
        return it == matVecByType.end() ? matVecRows : it->second.rows;
    }
    bool cpuMatVecFor(TensorType type) const
    {
        const auto it = matVecByType.find(type);
        return it == matVecByType.end() ? cpuMatVec : it->second.cpuShader;
    }
};

// For this device and the pipelines' kernel config (kernel_config.h).
ProductPolicy productPolicy(const Device& device, const Pipelines& pipelines);

// An activation matrix: `tokens` rows of `stride` floats from `offset` (floats) in `buffer`.
struct Activation {
    const Buffer& buffer;
    uint32_t offset;
    uint32_t stride;
};

// Where a product writes rows firstRow .. firstRow + rows of y: the binding and y.offset + firstRow
// counted from its start, which the shader takes as its output offset.
struct OutputRows {
    BufferRef binding;
    uint32_t offset; // floats
};
// One token's rows are bound alone (from an aligned offset at or below them), so the recorder lets the
// products writing other rows of y run without a barrier between (q, k and v into q|k|v, the pieces of
// a split matrix). A batch's rows interleave token by token with theirs: it binds y whole, as one
// descriptor set for every batch size.
OutputRows outputRows(
    const ProductPolicy& policy, Activation y, uint32_t firstRow, uint32_t rows, uint32_t tokens);

// The shader family a product takes (the forward plan names one per product).
enum class ProductKernel : uint8_t {
    MatVec, // mul_mat_vec: a few tokens, the weights read once per token
    CpuMatVec, // mul_mat_vec_cpu: the same shaped for CPU devices (products_cpu.h)
    MatMul, // mul_mat: a batch in 64 x 64 tiles
    MatMulWide, // mul_mat_wide: a batch in 128 x 128 tiles
    CpuMatMul, // mul_mat_cpu: a batch on a CPU device (products_cpu.h)
    NormMatVec, // mul_mat_vec_norm: a mat-vec taking the RMSNorm before it in (products_norm.h)
    Q8MatVec, // mul_mat_vec_q8: integer dot products on an input quantized before (products_q8.h)
};

// Which of the float-input kernels (the first five) a product of `tokens` tokens takes on this device,
// its input x at xOffset floats with xStride floats per token.
ProductKernel productKernel(
    const ProductPolicy& policy, const GpuMatrix& w, uint32_t xOffset, uint32_t xStride, uint32_t tokens);

// y[t][r] (+)= W x[t] for every token, over every piece of W, with the kernel productKernel chooses.
void recordProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, Activation x,
    uint32_t tokens, Activation y, bool accumulate);
// The same with a kernel chosen before (one of productKernel's).
void recordProduct(Recorder& rec, const ProductPolicy& policy, ProductKernel kernel, const GpuMatrix& w,
    Activation x, uint32_t tokens, Activation y, bool accumulate);

// The kernel of the one-dispatch SwiGLU product below (MatVec or CpuMatVec); nullopt where none applies
// (a tiled batch, a matrix of several pieces).
std::optional<ProductKernel> swigluKernel(const ProductPolicy& policy, const GpuMatrix& gateUp,
    uint32_t xOffset, uint32_t xStride, uint32_t tokens);

// h[t][r] = silu(gate[r] . x[t]) * (up[r] . x[t]) for a stacked [gate; up] matrix of one piece, in one
// mat-vec dispatch; false (nothing recorded) when that does not apply (swigluKernel).
bool recordSwigluProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp, Activation x,
    uint32_t tokens, Activation h);
// The same with the kernel swigluKernel chose.
void recordSwigluProduct(Recorder& rec, const ProductPolicy& policy, ProductKernel kernel,
    const GpuMatrix& gateUp, Activation x, uint32_t tokens, Activation h);

} // namespace hearth::vk
