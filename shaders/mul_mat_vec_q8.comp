#version 450
// The decode mat-vec on packed integer dot products (mul_mat_vec_q8_body.glsl). Bindings: weights,
// q8 activations, y.
#include "mul_mat_vec_q8_body.glsl"
