#version 450
// The second pass of split ("flash decoding") attention: for each (head, token), joins the splits'
// maxima m_s, sums l_s and unnormalized outputs o_s written by attention.comp:
//   M = max m_s,  w_s = exp(m_s - M),  out = sum w_s o_s / sum w_s l_s.
// A split with no keys has m = -1e30 and l = 0, so its weight is 0. Thread s reads split s's m and l
// (splitCount <= WG), the weights go to shared memory, then thread d sums dimension d over the splits
// four at a time (independent loads in flight, not one dependent load per split).
#extension GL_KHR_shader_subgroup_arithmetic : require
#define WG 64
layout(local_size_x = WG) in;

layout(std430, binding = 0) readonly buffer Partials { float partials[]; };  // (T, heads, splits, 2 + headDim)
layout(std430, binding = 1) writeonly buffer O { float o[]; };             // (T, headCount * headDim)

layout(push_constant) uniform Push {
    uint headCount;
    uint headDim;
    uint splitCount;  // at most WG
} p;

shared float reduceTmp[WG / 4];
shared float weights[WG];

#include "workgroup_reduce.glsl"

void main()
{
    const uint tid = gl_LocalInvocationID.x;
    const uint head = gl_WorkGroupID.x;
    const uint t = gl_WorkGroupID.y;
    const uint hd = p.headDim;
    const uint stride = 2u + hd;
    const uint base = (t * p.headCount + head) * p.splitCount * stride;

    const bool mine = tid < p.splitCount;
    const float m = mine ? partials[base + tid * stride] : -1e30;
    const float l = mine ? partials[base + tid * stride + 1u] : 0.0;
    const float maxAll = reduceMax(m);
    const float w = mine ? exp(m - maxAll) : 0.0;
    weights[tid] = w;
    const float inv = 1.0 / reduceSum(w * l);  // its barriers also publish weights[]

    for (uint d = tid; d < hd; d += WG) {
        const uint at = base + 2u + d;
        float acc = 0.0;
        uint s = 0u;
        for (; s + 4u <= p.splitCount; s += 4u)
            acc += weights[s] * partials[at + s * stride] + weights[s + 1u] * partials[at + (s + 1u) * stride] +
                   weights[s + 2u] * partials[at + (s + 2u) * stride] + weights[s + 3u] * partials[at + (s + 3u) * stride];
        for (; s < p.splitCount; ++s)
            acc += weights[s] * partials[at + s * stride];
        o[t * p.headCount * hd + head * hd + d] = acc * inv;
    }
}
