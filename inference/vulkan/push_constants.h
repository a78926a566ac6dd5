// The push-constant struct of every pipeline, laid out exactly as the shader's push_constant block;
// shaders/pipelines.cmake names which operation takes which.
#pragma once

#include <cstdint>

namespace hearth::vk {

// mul_mat_vec.comp: bindings weights, x, y.
struct MatVecPush {
    uint32_t rows, cols, xOffset, xStride, yOffset, yStride, accumulate, pairOffset;
};
// mul_mat_vec_norm.comp: bindings weights, x, y, norm weight.
struct MatVecNormPush {
    uint32_t rows, cols, xOffset, xStride, yOffset, yStride, accumulate, pairOffset;
    float eps;
};
// What a q|k|v product with the RoPE and cache store fused in adds to its push constants
// (rope_store_push.glsl); its yOffset is the first row's index in q|k|v.
struct RopeStoreFields {
    uint32_t qDim, kvDim, headDim;
    float freqBase;
    uint32_t hasFactors;
};
// mul_mat_vec_norm_rope.comp: bindings weights, x, q, norm weight, k cache, v cache, rope factors, step.
struct MatVecNormRopePush {
    MatVecNormPush product;
    RopeStoreFields rope;
};
// mul_mat_vec_q8_rope.comp: bindings weights, q8 activations, q, k cache, v cache, rope factors, step.
struct MatVecRopePush {
    MatVecPush product;
    RopeStoreFields rope;
};
// mul_mat_vec_q8.comp (bindings weights, q8 activations, y) takes MatVecPush with xOffset and xStride in
// 16-byte words of the quantized activations (products_q8.h).
// quantize_q8.comp: bindings x, q8; quantize_q8_norm.comp: bindings x, q8, norm weight.
struct QuantizeQ8Push {
    uint32_t cols, xOffset, xStride, qOffset, qStride;
    float eps; // quantize_q8_norm
};
// mul_mat.comp: bindings weights, x, y.
struct MatMulPush {
    uint32_t rows, cols, tokens, xOffset, xStride, yOffset, yStride, accumulate;
};
// rms_norm.comp: bindings x, weight, y.
struct RmsNormPush {
    uint32_t n, xOffset, xStride, yStride;
    float eps;
};
// rope_store.comp: bindings qkv, q, k cache, v cache, factors, step.
struct RopeStorePush {
    uint32_t tokens, qDim, kvDim, headDim;
    float freqBase;
    uint32_t hasFactors;
};
// attention.comp: bindings q, k cache, v cache, out, partials, step.
struct AttentionPush {
    uint32_t headCount, kvHeadCount, headDim;
    float scale;
    uint32_t splitCount, minSplitKeys;
    uint32_t counterOffset; // words into the partials buffer (attention.h)
};
// The step buffer of rope_store and attention: what changes from one decode step to the next.
struct StepParams {
    uint32_t startPos;
};
// swiglu.comp: bindings gate|up, y.
struct SwigluPush {
    uint32_t n, tokens;
};
// add.comp: bindings x, y.
struct AddPush {
    uint32_t n;
};
// embed.comp: bindings table, tokens, y.
struct EmbedPush {
    uint32_t cols, rowBegin, rowCount, yStride;
};
// copy.comp: bindings src, dst.
struct CopyPush {
    uint32_t count;
};

static_assert(sizeof(MatVecPush) <= 128 && sizeof(MatMulPush) <= 128 && sizeof(RmsNormPush) <= 128
    && sizeof(RopeStorePush) <= 128 && sizeof(AttentionPush) <= 128 && sizeof(SwigluPush) <= 128
    && sizeof(AddPush) <= 128 && sizeof(EmbedPush) <= 128 && sizeof(CopyPush) <= 128
    && sizeof(QuantizeQ8Push) <= 128);

} // namespace hearth::vk
