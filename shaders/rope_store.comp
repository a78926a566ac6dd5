#version 450
// RoPE (adjacent-pair llama form, Llama 3.1 frequency factors) on the fused q|k|v projections of T
// tokens, then storing: q (rotated) to the q buffer, k (rotated) and v to the f16 KV cache at
// positions startPos + t. One invocation per pair of values. startPos is read from the step buffer, so
// a recorded decode step can be submitted again for the next position.
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Qkv { vec2 qkv[]; };     // (T, q + 2 kv) f32
layout(std430, binding = 1) writeonly buffer Q { vec2 q[]; };        // (T, q) f32
layout(std430, binding = 2) writeonly buffer KCache { uint kc[]; };  // (ctx, kv) f16 pairs
layout(std430, binding = 3) writeonly buffer VCache { uint vc[]; };
layout(std430, binding = 4) readonly buffer Freqs { float factors[]; };  // (headDim / 2), or one 1.0
layout(std430, binding = 5) readonly buffer Step { uint startPos; } step;

layout(push_constant) uniform Push {
    uint tokens;
    uint qDim;        // headCount * headDim
    uint kvDim;       // kvHeadCount * headDim
    uint headDim;
    float freqBase;
    uint hasFactors;
} p;

#include "rope.glsl"

void main()
{
    const uint pairsPerToken = (p.qDim + 2u * p.kvDim) / 2u;
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pairsPerToken * p.tokens)
        return;
    const uint t = id / pairsPerToken;
    const uint pair = id % pairsPerToken;
    const uint pos = step.startPos + t;
    const vec2 v = qkv[t * pairsPerToken + pair];
    const uint qPairs = p.qDim / 2u;
    const uint kvPairs = p.kvDim / 2u;

    if (pair >= qPairs + kvPairs) {  // v: stored as is
        vc[pos * kvPairs + pair - qPairs - kvPairs] = packHalf2x16(v);
        return;
    }
    const vec2 r = ropeRotate(v, pair % (p.headDim / 2u), pos, p.headDim, p.freqBase, p.hasFactors != 0u);
    if (pair < qPairs)
        q[t * qPairs + pair] = r;
    else
        kc[pos * kvPairs + pair - qPairs] = packHalf2x16(r);
}
