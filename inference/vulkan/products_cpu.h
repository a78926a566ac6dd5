// Products on CPU devices (lavapipe), which run a workgroup's invocations as the SIMD lanes of one core
// and pay for every storage-buffer load instruction: shaders shaped for that, reading their weights
// through texel buffers, used where the weight type and the row layout allow. Called by recordProduct /
// recordSwigluProduct (products.cpp).
#pragma once

#include "vulkan/products.h"

namespace hearth::vk {

// Whether mul_mat_vec_cpu (and its SwiGLU form) can read W and an input at xOffset with xStride floats
// per token.
bool cpuMatVecApplies(const ProductPolicy& policy, const GpuMatrix& w, uint32_t xOffset, uint32_t xStride);
// Whether mul_mat_cpu can read W.
bool cpuMatMulApplies(const ProductPolicy& policy, const GpuMatrix& w);

// y[t][r] (+)= W x[t]; false (nothing recorded) when the CPU shader does not apply.
bool recordCpuMatVec(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, Activation x,
    uint32_t tokens, Activation y, bool accumulate);

// The batched (prefill) product y[t][r] (+)= W x[t] with mul_mat_cpu; false (nothing recorded) when it
// does not apply.
bool recordCpuMatMul(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, Activation x,
    uint32_t tokens, Activation y, bool accumulate);

// h[t][r] = silu(gate[r] . x[t]) * (up[r] . x[t]) for a stacked one-piece [gate; up]; false when the CPU
// shader does not apply.
bool recordCpuSwigluMatVec(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp, Activation x,
    uint32_t tokens, Activation h);

} // namespace hearth::vk
