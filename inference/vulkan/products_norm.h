// Products that take the RMSNorm before them in the same dispatch (mul_mat_vec_norm.comp): in decode
// on a GPU, a norm on its own costs as much as a small product (one short dispatch and a barrier),
// and the mat-vec loads every element of x anyway.
#pragma once

#include "vulkan/products.h"

namespace hearth::vk {

struct NormArgs {
    const GpuMatrix& weight; // F32, one row of the product's column count
    float eps;
};

// Whether products of `tokens` tokens take the norm fused in on this device.
bool fusesNorm(const ProductPolicy& policy, uint32_t tokens);

// y[t] = W (rmsNorm(x[t]) * weight), over every piece of W (only where fusesNorm).
void recordNormedProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w, const NormArgs& norm,
    Activation x, uint32_t tokens, Activation y);

// Where products of `tokens` tokens also take the RoPE and KV-cache store after them
// (recordNormedRopeProduct): with the norm fused, and rows per workgroup even (a rotated pair of rows
// is computed by one workgroup).
bool fusesRope(const ProductPolicy& policy, uint32_t tokens);

struct RopeStoreArgs {
    const Buffer& q; // (tokens, qDim): the rotated queries
    const Buffer& kCache; // the layer's f16 KV cache
    const Buffer& vCache;
    BufferRef factors; // Llama 3.1's frequency factors, or one 1.0
    const Buffer& step; // StepParams: the position of the first token
    uint32_t qDim, kvDim, headDim;
    float freqBase;
    bool hasFactors;
};

// The push constants these give the shader.
RopeStoreFields ropeStoreFields(const RopeStoreArgs& rope);

// The q, key-cache and value-cache bindings of the product of rows firstRow .. firstRow + rows of q|k|v.
// Rows all of q, all of k or all of v write that one buffer alone, bound in all three places (the shader
// never reaches the other two): the recorder then sees an unstacked layer's q, k and v products as
// independent, where each would otherwise write all three.
struct RopeOutputs {
    BufferRef q, kCache, vCache;
};
RopeOutputs ropeOutputs(const RopeStoreArgs& rope, uint32_t firstRow, uint32_t rows);

// Rows firstRow.. of q|k|v (W holds them) from n = rmsNorm(x[t]) * weight, rotated where they are q or k
// rows, stored into q or the cache (only where fusesRope).
void recordNormedRopeProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& w,
    const NormArgs& norm, Activation x, uint32_t tokens, uint32_t firstRow, const RopeStoreArgs& rope);

// h[t] = silu(gate . n) * (up . n) with n = rmsNorm(x[t]) * weight, for a stacked one-piece [gate; up]
// (only where fusesNorm); false (nothing recorded) when the matrix has several pieces.
bool recordNormedSwigluProduct(Recorder& rec, const ProductPolicy& policy, const GpuMatrix& gateUp,
    const NormArgs& norm, Activation x, uint32_t tokens, Activation h);

} // namespace hearth::vk
