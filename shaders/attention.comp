#version 450
// Causal grouped-query attention over the f16 KV cache for T query tokens, one workgroup per
// (head, token). Keys are taken WG at a time: scores into shared memory, then an online
// ("flash") softmax update — running maximum, rescaled sum and output — so any context length fits.
#extension GL_KHR_shader_subgroup_arithmetic : require
#define WG 128
#define MAX_HEAD_DIM 256
layout(local_size_x = WG) in;

layout(std430, binding = 0) readonly buffer Q { float q[]; };        // (T, headCount * headDim)
layout(std430, binding = 1) readonly buffer KCache { uint kc[]; };   // (ctx, kvDim) f16
layout(std430, binding = 2) readonly buffer VCache { uint vc[]; };
layout(std430, binding = 3) writeonly buffer O { float o[]; };       // (T, headCount * headDim)

layout(push_constant) uniform Push {
    uint startPos;
    uint headCount;
    uint kvHeadCount;
    uint headDim;
    float scale;  // 1 / sqrt(headDim)
} p;

shared float qs[MAX_HEAD_DIM];
shared float scores[WG];
shared float partial[WG / 4];

float reduceMax(float v)
{
    v = subgroupMax(v);
    if (subgroupElect())
        partial[gl_SubgroupID] = v;
    barrier();
    float r = partial[0];
    for (uint s = 1u; s < gl_NumSubgroups; ++s)
        r = max(r, partial[s]);
    barrier();
    return r;
}

float reduceSum(float v)
{
    v = subgroupAdd(v);
    if (subgroupElect())
        partial[gl_SubgroupID] = v;
    barrier();
    float r = 0.0;
    for (uint s = 0u; s < gl_NumSubgroups; ++s)
        r += partial[s];
    barrier();
    return r;
}

float kvHalf(uint word, uint i) { return unpackHalf2x16(word)[i & 1u]; }

void main()
{
    const uint tid = gl_LocalInvocationID.x;
    const uint head = gl_WorkGroupID.x;
    const uint t = gl_WorkGroupID.y;
    const uint hd = p.headDim;
    const uint qDim = p.headCount * hd;
    const uint kvDim = p.kvHeadCount * hd;
    const uint kvBase = (head / (p.headCount / p.kvHeadCount)) * hd;
    const uint last = p.startPos + t;  // causal: keys 0..last

    for (uint d = tid; d < hd; d += WG)
        qs[d] = q[t * qDim + head * hd + d];
    barrier();

    float runMax = -1e30;
    float runSum = 0.0;
    float out0 = 0.0;  // output dims tid and tid + WG
    float out1 = 0.0;

    for (uint j0 = 0u; j0 <= last; j0 += WG) {
        // Scores of keys j0 + tid.
        const uint j = j0 + tid;
        float s = -1e30;
        if (j <= last) {
            const uint kb = (j * kvDim + kvBase) / 2u;
            float acc = 0.0;
            for (uint d = 0u; d < hd; d += 2u) {
                const vec2 kv = unpackHalf2x16(kc[kb + d / 2u]);
                acc += qs[d] * kv.x + qs[d + 1u] * kv.y;
            }
            s = acc * p.scale;
        }
        // Online softmax: new maximum, rescale what was accumulated so far.
        const float newMax = max(runMax, reduceMax(s));
        const float e = j <= last ? exp(s - newMax) : 0.0;
        scores[tid] = e;
        const float rescale = exp(runMax - newMax);
        runSum = runSum * rescale + reduceSum(e);
        runMax = newMax;
        // reduceSum's barrier made scores[] visible. Weighted sum of values for this thread's dims.
        const uint count = min(uint(WG), last + 1u - j0);
        out0 *= rescale;
        out1 *= rescale;
        for (uint k = 0u; k < count; ++k) {
            const uint vb = (j0 + k) * kvDim + kvBase;
            const float w = scores[k];
            if (tid < hd)
                out0 += w * kvHalf(vc[(vb + tid) / 2u], vb + tid);
            if (tid + WG < hd)
                out1 += w * kvHalf(vc[(vb + tid + WG) / 2u], vb + tid + WG);
        }
        barrier();  // scores[] is rewritten by the next chunk
    }

    const float inv = 1.0 / runSum;
    if (tid < hd)
        o[t * qDim + head * hd + tid] = out0 * inv;
    if (tid + WG < hd)
        o[t * qDim + head * hd + tid + WG] = out1 * inv;
}
