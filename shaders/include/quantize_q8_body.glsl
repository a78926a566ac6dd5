// The body of quantize_q8.comp and quantize_q8_norm.comp: activations x[t] (f32) to the int8 units of
// q8_activations.glsl, one thread per unit of 32 elements, (units / WG, tokens) workgroups.
// With RMS_NORM the input is rmsNorm(x[t]) * normWeight: every workgroup sums the squares of the
// whole token itself (a few KiB from cache), so a token's units need not share one workgroup.
#extension GL_KHR_shader_subgroup_arithmetic : require

#define WG 64
layout(local_size_x = WG) in;

layout(std430, binding = 0) readonly buffer X { vec4 x[]; };
layout(std430, binding = 1) writeonly buffer Q { uvec4 q[]; };
layout(std430, binding = 1) writeonly buffer QPairs { vec2 qPairs[]; };
#ifdef RMS_NORM
layout(std430, binding = 2) readonly buffer NormWeight { vec4 normWeight[]; };
#endif

layout(push_constant) uniform Push {
    uint cols;     // a multiple of 32
    uint xOffset;  // floats, a multiple of 4
    uint xStride;  // floats between tokens, a multiple of 4
    uint qOffset;  // 16-byte words
    uint qStride;  // 16-byte words between tokens
    float eps;     // RMS_NORM
} p;

#include "q8_activations.glsl"

shared float reduceTmp[WG / 4];
#include "workgroup_reduce.glsl"

// Four values in [-127, 127] as the bytes of a word.
uint packBytes(ivec4 v)
{
    return uint(v.x & 0xFF) | (uint(v.y & 0xFF) << 8) | (uint(v.z & 0xFF) << 16) | (uint(v.w & 0xFF) << 24);
}

void main()
{
    const uint tid = gl_LocalInvocationID.x;
    const uint unit = gl_WorkGroupID.x * WG + tid;
    const uint token = gl_WorkGroupID.y;
    const uint units = p.cols / 32u;
    const uint xBase = (p.xOffset + token * p.xStride) / 4u;

#ifdef RMS_NORM
    float squares = 0.0;
    for (uint i = tid; i < p.cols / 4u; i += WG) {
        const vec4 v = x[xBase + i];
        squares += dot(v, v);
    }
    const float scale = inversesqrt(reduceSum(squares) / float(p.cols) + p.eps);
#endif
    if (unit >= units)
        return;

    vec4 v[8];
    float amax = 0.0;
    for (uint i = 0u; i < 8u; ++i) {
        v[i] = x[xBase + 8u * unit + i];
#ifdef RMS_NORM
        v[i] = v[i] * scale * normWeight[8u * unit + i];
#endif
        const vec4 a = abs(v[i]);
        amax = max(amax, max(max(a.x, a.y), max(a.z, a.w)));
    }
    const float d = amax / 127.0;
    const float inv = d > 0.0 ? 1.0 / d : 0.0;
    uint words[8];
    int sum = 0;
    for (uint i = 0u; i < 8u; ++i) {
        const ivec4 qi = ivec4(roundEven(v[i] * inv));
        sum += qi.x + qi.y + qi.z + qi.w;
        words[i] = packBytes(qi);
    }
    const uint base = p.qOffset + token * p.qStride;
    q[base + 2u * unit] = uvec4(words[0], words[1], words[2], words[3]);
    q[base + 2u * unit + 1u] = uvec4(words[4], words[5], words[6], words[7]);
    qPairs[q8PairIndex(base, units, unit)] = vec2(d, d * float(sum));
}
