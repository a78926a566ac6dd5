#version 450
// Buffer copy, for measuring the device's memory bandwidth (bench): dst[i] = src[i] over vec4s,
// grid-stride so any size fits in one dispatch.
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer Src { vec4 src[]; };
layout(std430, binding = 1) writeonly buffer Dst { vec4 dst[]; };

layout(push_constant) uniform Push {
    uint count;  // vec4s
} p;

void main()
{
    const uint stride = gl_NumWorkGroups.x * 256u;
    for (uint i = gl_GlobalInvocationID.x; i < p.count; i += stride)
        dst[i] = src[i];
}
