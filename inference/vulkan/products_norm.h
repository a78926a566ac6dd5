// Products that take the RMSNorm before them in the same dispatch (mul_mat_vec_norm.comp): in decode
// on a GPU, a norm on its own costs as much as a small product (one short dispatch and a barrier),
// and the mat-vec loads every element of x anyway.
#pragma once

#include "vulkan/products.h"

namespace hearth::vk {

struct NormArgs {
    const GpuMatrix& weight;  // F32, one row of the product's column count
    float eps;
};

// Whether products of `tokens` tokens take the norm fused in on this device.
bool fusesNorm(const ProductPolicy& policy, uint32_t tokens);

// y[t] = W (rmsNorm(x[t]) * weight), over every piece of W (only where fusesNorm).
void recordNormedProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, const NormArgs& norm,
                         Activation x, uint32_t tokens, Activation y);

// h[t] = silu(gate . n) * (up . n) with n = rmsNorm(x[t]) * weight, for a stacked one-piece [gate; up]
// (only where fusesNorm); false (nothing recorded) when the matrix has several pieces.
bool recordNormedSwigluProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp,
                               const NormArgs& norm, Activation x, uint32_t tokens, Activation h);

}  // namespace hearth::vk
