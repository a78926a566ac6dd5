#version 450
// The q|k|v product of decode with the RMSNorm before it and the RoPE + KV-cache store after it fused
// in: q = rope(W_q n), cache k = rope(W_k n), cache v = W_v n, with n = rmsNorm(x) * normWeight.
// Bindings: weights, x, q, normWeight, k cache, v cache, rope factors, step.
#define RMS_NORM
#define ROPE_STORE
#include "mul_mat_vec_body.glsl"
