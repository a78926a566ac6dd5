#version 450
// The decode q|k|v product on packed integer dot products with the RoPE and KV-cache store after it
// fused in (mul_mat_vec_q8_body.glsl, rope_store_rows.glsl). Bindings: weights, q8 activations, q,
// k cache, v cache, rope factors, step.
#define ROPE_STORE
#include "mul_mat_vec_q8_body.glsl"
