#version 450
// SwiGLU for a batch: y[t][i] = silu(gu[t][i]) * gu[t][n + i], gate and up side by side.
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer GateUp { float gu[]; };  // (T, 2n)
layout(std430, binding = 1) writeonly buffer Y { float y[]; };       // (T, n)

layout(push_constant) uniform Push {
    uint n;
    uint tokens;
} p;

void main()
{
    const uint id = gl_GlobalInvocationID.x;
    if (id >= p.n * p.tokens)
        return;
    const uint t = id / p.n;
    const uint i = id % p.n;
    const float g = gu[t * 2u * p.n + i];
    y[id] = g / (1.0 + exp(-g)) * gu[t * 2u * p.n + p.n + i];
}
