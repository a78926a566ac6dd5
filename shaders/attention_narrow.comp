#version 450
// Attention over the KV cache for CPU devices (lavapipe): 32 invocations, the cache read through
// uniform texel buffers. Bindings as attention.comp's (attention_body.glsl).
#define NARROW
#define KV_TEXELS
#include "attention_body.glsl"
