#version 450
// Attention over the KV cache for GPUs: 128 invocations, the cache read as storage buffers. Bindings:
// q, k cache, v cache, out, partials, step (attention_body.glsl).
#include "attention_body.glsl"
