#version 450
// mul_mat_vec with the RMSNorm that precedes it fused in: y[t] = W (rmsNorm(x[t]) * normWeight), one
// dispatch instead of two in decode. Bindings: weights, x, y, normWeight.
#define RMS_NORM
#include "mul_mat_vec_body.glsl"
