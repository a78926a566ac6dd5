// Which variant of each hot kernel the backend runs on a device: the typed choice that the pipelines'
// specialization constants, the product policy and the attention policy are made from. It starts as
// the safe defaults for the device's kind (defaultKernelConfig), the tuner (tuner.h) may replace parts
// of it with what it measured on the device, and the developer overrides (HEARTH_VK_* variables, for
// measuring by hand) are applied last, once, at load: no hot code reads the environment.
#pragma once

#include "quant/types.h"
#include "vulkan/device.h"

#include <cstdint>
#include <map>
#include <string>

namespace hearth::vk {

// A decode product's kernel: mul_mat_vec_cpu where cpuShader is set and it applies (CPU devices,
// products_cpu.h), else mul_mat_vec with rows per workgroup (even for tuned shapes, so a rotated pair
// of q|k rows stays in one workgroup) and threads per workgroup (a multiple of 32 up to 256).
struct MatVecShape {
    uint32_t rows = 4;
    uint32_t workgroup = 64;
    bool cpuShader = false;
    bool operator==(const MatVecShape&) const = default;
};

// The prefill (tiled) product's kernel.
enum class PrefillTile : uint8_t {
    Tile64, // mul_mat, 64 x 64 tiles
    Tile128, // mul_mat_wide, 128 x 128 tiles from half a wide tile of tokens
    Cpu, // mul_mat_cpu (CPU devices)
};

struct KernelConfig {
    MatVecShape matVec; // every weight type without its own below
    std::map<TensorType, MatVecShape> matVecByType; // tuned per weight type
    bool matVecFoldedDot = true; // mul_mat_vec's FOLDED_DOT
    bool matVecUnrollRows = true; // mul_mat_vec's UNROLL_ROWS (off on CPU devices: slow to compile)
    bool intDot = false; // decode products take integer dot products (products_q8.h)
    MatVecShape q8; // mul_mat_vec_q8's rows and threads per workgroup (up to 16 rows, 512 threads)
    uint32_t attentionSplits = 32; // splits per (head, token) in decode (attention.h)
    PrefillTile prefill = PrefillTile::Tile64;
    uint32_t tiledMinTokens = 8; // batches this large take the tiled product
    // Tests only: a CPU device takes a GPU's shaders (fused norms, the wide attention), so CI runs them.
    bool gpuShaders = false;

    const MatVecShape& matVecFor(TensorType type) const;
    bool operator==(const KernelConfig&) const = default;
};

// Today's defaults for the device: safe everywhere, never tuned (GPUs: 4 rows x 64 threads, 32
// attention splits, float decode, 64 x 64 tiles; CPU devices: their own product shaders, 16 rows, one
// split). gpuShaders: a GPU's defaults on a CPU device (tests only).
KernelConfig defaultKernelConfig(const Device& device, bool gpuShaders = false);
// Whether the config runs a CPU device's shaders (a CPU device, unless gpuShaders).
bool takesCpuShaders(const Device& device, const KernelConfig& config);

// Developer overrides, for measuring by hand (not how defaults are set): HEARTH_VK_MATVEC_ROWS,
// HEARTH_VK_MATVEC_WG (every weight type), HEARTH_VK_MATVEC_FOLDED, HEARTH_VK_MATVEC_UNROLL,
// HEARTH_VK_Q8_ROWS, HEARTH_VK_Q8_WG, HEARTH_VK_INT_DOT=0|1 (1 only where the device has integer dot
// products), HEARTH_VK_MATMUL_TILE=64|128, HEARTH_VK_MATMUL_MIN_TOKENS, HEARTH_VK_CPU_MATMUL=0,
// HEARTH_VK_CPU_MATVEC=0, HEARTH_VK_ATTENTION_SPLITS. Each one set replaces the tuned or default value.
void applyDeveloperOverrides(KernelConfig& config, const Device& device);

// "mat-vec 16x64 cpu, q6_k 8x64, int-dot off, attention splits 1, prefill cpu": for messages.
std::string describeKernelConfig(const KernelConfig& config);

} // namespace hearth::vk
