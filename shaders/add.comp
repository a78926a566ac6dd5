#version 450
// Residual add y[i] += x[i]. (The forward pass fuses the residual into the output projections'
// matrix products; this stands alone for the cases where a matrix is split across buffers.)
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) buffer Y { float y[]; };

layout(push_constant) uniform Push {
    uint n;
} p;

void main()
{
    const uint i = gl_GlobalInvocationID.x;
    if (i < p.n)
        y[i] += x[i];
}
