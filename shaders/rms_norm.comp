#version 450
// RMSNorm: y[t] = x[t] / sqrt(mean(x[t]^2) + eps) * weight, one workgroup per token.
#extension GL_KHR_shader_subgroup_arithmetic : require
#define WG 256
layout(local_size_x = WG) in;

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Wt { float weight[]; };
layout(std430, binding = 2) writeonly buffer Y { float y[]; };

layout(push_constant) uniform Push {
    uint n;
    uint xOffset;
    uint xStride;
    uint yStride;
    float eps;
} p;

shared float partial[WG / 4];

void main()
{
    const uint tid = gl_LocalInvocationID.x;
    const uint xb = p.xOffset + gl_WorkGroupID.x * p.xStride;
    const uint yb = gl_WorkGroupID.x * p.yStride;

    // Sum of squares: per thread, per subgroup, then across subgroups.
    float sum = 0.0;
    for (uint i = tid; i < p.n; i += WG)
        sum += x[xb + i] * x[xb + i];
    sum = subgroupAdd(sum);
    if (subgroupElect())
        partial[gl_SubgroupID] = sum;
    barrier();
    float total = 0.0;
    for (uint s = 0u; s < gl_NumSubgroups; ++s)
        total += partial[s];

    const float scale = inversesqrt(total / float(p.n) + p.eps);
    for (uint i = tid; i < p.n; i += WG)
        y[yb + i] = x[xb + i] * scale * weight[i];
}
