#version 450
// Activations to int8 units for the integer-dot-product mat-vec (q8_activations.glsl).
// Bindings: x, q8.
#include "quantize_q8_body.glsl"
