#version 450
// The second pass of split ("flash decoding") attention: for each (head, token), joins the splits'
// maxima m_s, sums l_s and unnormalized outputs o_s written by attention.comp:
//   M = max m_s,  w_s = exp(m_s - M),  out = sum w_s o_s / sum w_s l_s.
// A split with no keys has m = -1e30 and l = 0, so its weight is 0.
#define WG 64
layout(local_size_x = WG) in;

layout(std430, binding = 0) readonly buffer Partials { float partials[]; };  // (T, heads, splits, 2 + headDim)
layout(std430, binding = 1) writeonly buffer O { float o[]; };             // (T, headCount * headDim)

layout(push_constant) uniform Push {
    uint headCount;
    uint headDim;
    uint splitCount;
} p;

void main()
{
    const uint head = gl_WorkGroupID.x;
    const uint t = gl_WorkGroupID.y;
    const uint hd = p.headDim;
    const uint stride = 2u + hd;
    const uint base = (t * p.headCount + head) * p.splitCount * stride;

    float maxAll = -1e30;
    for (uint s = 0u; s < p.splitCount; ++s)
        maxAll = max(maxAll, partials[base + s * stride]);
    float sum = 0.0;
    for (uint s = 0u; s < p.splitCount; ++s)
        sum += exp(partials[base + s * stride] - maxAll) * partials[base + s * stride + 1u];
    const float inv = 1.0 / sum;
    for (uint d = gl_LocalInvocationID.x; d < hd; d += WG) {
        float acc = 0.0;
        for (uint s = 0u; s < p.splitCount; ++s)
            acc += exp(partials[base + s * stride] - maxAll) * partials[base + s * stride + 2u + d];
        o[t * p.headCount * hd + head * hd + d] = acc * inv;
    }
}
