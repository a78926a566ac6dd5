#version 450
// quantize_q8 with the RMSNorm before it fused in: q8 = quantize(rmsNorm(x[t]) * normWeight).
// Bindings: x, q8, normWeight.
#define RMS_NORM
#include "quantize_q8_body.glsl"
