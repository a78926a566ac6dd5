#version 450
// Buffer copy reading through a texel buffer, for measuring the device's memory bandwidth (bench):
// dst[i] = src[i] over 16-byte texels, grid-stride so any size fits in one dispatch. On CPU devices
// (lavapipe) texel fetches are the fast way to read (mul_mat_vec_cpu.comp says why); the bench takes
// the faster of this and copy.comp.
layout(local_size_x = 256) in;

layout(binding = 0) uniform usamplerBuffer src;
layout(std430, binding = 1) writeonly buffer Dst { uvec4 dst[]; };

layout(push_constant) uniform Push {
    uint count;  // texels
} p;

void main()
{
    const uint stride = gl_NumWorkGroups.x * 256u;
    for (uint i = gl_GlobalInvocationID.x; i < p.count; i += stride)
        dst[i] = texelFetch(src, int(i));
}
