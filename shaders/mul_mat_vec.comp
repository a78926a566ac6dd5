#version 450
// Fused dequantize + matrix-vector product (decode): y[t][yOffset + r] (+)= dot(W[r], x[t]); see the
// body. Bindings: weights, x, y.
#include "mul_mat_vec_body.glsl"
