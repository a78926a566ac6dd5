// The body of attention.comp and attention_narrow.comp. Causal grouped-query attention over the f16
// KV cache. One workgroup per (head, token, split): it
// takes the split's range of keys WG at a time — scores into shared memory, then an online ("flash")
// softmax update of the running maximum, sum and output — so any context length fits. With one split
// (prefill: heads x tokens workgroups already fill the device) it writes the normalized output; with
// several (decode: "flash decoding", so the device is not left with `heads` workgroups walking the
// whole context), it writes its maximum, sum and unnormalized output to `partials` and counts itself
// done; the split that finishes last for its (head, token) joins them all (joinSplits), so there is
// no second dispatch.
#extension GL_KHR_shader_subgroup_arithmetic : require
// NARROW (the variant for CPU devices, attention_narrow.comp): 32 invocations. lavapipe pays a fixed
// cost per invocation group of a workgroup, so a narrow workgroup with each thread owning more
// dimensions is faster there (1B decode: 8.9 -> 4.9 ms per layer); GPUs want the wide one. It also
// reads the cache through texel buffers (KV_TEXELS).
#ifdef NARROW
#define WG 32
#else
#define WG 128
#endif
#define MAX_PAIRS_PER_THREAD (MAX_HEAD_DIM / 2 / WG > 0 ? MAX_HEAD_DIM / 2 / WG : 1)
#define MAX_HEAD_DIM 256
layout(local_size_x = WG) in;

layout(std430, binding = 0) readonly buffer Q { float q[]; };          // (T, headCount * headDim)
#ifdef KV_TEXELS
// The cache as 16-byte texels (VK_FORMAT_R32G32B32A32_UINT views): on lavapipe a texel fetch is the
// sampler's gather, where a storage load whose address differs per lane is a loop over the lanes.
layout(binding = 1) uniform usamplerBuffer keyTexels;    // (ctx, kvDim) f16, 8 per texel
layout(binding = 2) uniform usamplerBuffer valueTexels;  // (ctx, kvDim) f16, 8 per texel
uvec4 keyWords(uint i) { return texelFetch(keyTexels, int(i)); }
uint valueWord(uint i) { return texelFetch(valueTexels, int(i / 4u))[i % 4u]; }
#else
layout(std430, binding = 1) readonly buffer KCache { uvec4 kc[]; };    // (ctx, kvDim) f16, 8 per uvec4
layout(std430, binding = 2) readonly buffer VCache { uint vc[]; };     // (ctx, kvDim) f16, 2 per uint
uvec4 keyWords(uint i) { return kc[i]; }
uint valueWord(uint i) { return vc[i]; }
#endif
layout(std430, binding = 3) writeonly buffer O { float o[]; };         // (T, headCount * headDim)
// (T, heads, splits, 2 + headDim), then one counter per (T, head) at counterOffset (zero between
// dispatches: the joining workgroup resets it). Coherent: other workgroups' writes are read.
layout(std430, binding = 4) coherent buffer Partials { float partials[]; };
layout(std430, binding = 4) coherent buffer SplitCounters { uint splitCounters[]; };
layout(std430, binding = 5) readonly buffer Step { uint startPos; } step;     // position of the first query

layout(push_constant) uniform Push {
    uint headCount;
    uint kvHeadCount;
    uint headDim;     // a multiple of 8, at most MAX_HEAD_DIM
    float scale;      // 1 / sqrt(headDim)
    uint splitCount;  // workgroups sharing one (head, token)
    uint minSplitKeys;  // splits take at least this many keys (the later ones may have none)
    uint counterOffset;  // words: where the splits' counters start in binding 4
} p;

shared float qs[MAX_HEAD_DIM];
shared float scores[WG];
shared float reduceTmp[WG / 4];
shared float outTmp[WG * 2];
shared bool joinHere;

#include "workgroup_reduce.glsl"

// The last split of (head, token t) to finish joins the splits' maxima m_s, sums l_s and
// unnormalized outputs o_s:  M = max m_s,  w_s = exp(m_s - M),  out = sum w_s o_s / sum w_s l_s.
// A split with no keys has m = -1e30 and l = 0, so its weight is 0. Thread s reads split s's m and l
// (splitCount <= WG), the weights go to shared memory, then thread d sums dimension d over the splits
// four at a time (independent loads in flight, not one dependent load per split).
void joinSplits(uint head, uint t)
{
    const uint tid = gl_LocalInvocationID.x;
    const uint hd = p.headDim;
    const uint stride = 2u + hd;
    const uint base = (t * p.headCount + head) * p.splitCount * stride;

    const bool mine = tid < p.splitCount;
    const float m = mine ? partials[base + tid * stride] : -1e30;
    const float l = mine ? partials[base + tid * stride + 1u] : 0.0;
    const float maxAll = reduceMax(m);
    const float w = mine ? exp(m - maxAll) : 0.0;
    scores[tid] = w;
    const float inv = 1.0 / reduceSum(w * l);  // its barriers also publish scores[]

    for (uint d = tid; d < hd; d += WG) {
        const uint at = base + 2u + d;
        float acc = 0.0;
        uint s = 0u;
        for (; s + 4u <= p.splitCount; s += 4u)
            acc += scores[s] * partials[at + s * stride] + scores[s + 1u] * partials[at + (s + 1u) * stride] +
                   scores[s + 2u] * partials[at + (s + 2u) * stride] + scores[s + 3u] * partials[at + (s + 3u) * stride];
        for (; s < p.splitCount; ++s)
            acc += scores[s] * partials[at + s * stride];
        o[t * p.headCount * hd + head * hd + d] = acc * inv;
    }
}

void main()
{
    const uint tid = gl_LocalInvocationID.x;
    const uint head = gl_WorkGroupID.x;
    const uint t = gl_WorkGroupID.y;
    const uint split = gl_WorkGroupID.z;
    const uint hd = p.headDim;
    const uint qDim = p.headCount * hd;
    const uint kvDim = p.kvHeadCount * hd;
    const uint kvBase = (head / (p.headCount / p.kvHeadCount)) * hd;
    const uint last = step.startPos + t;  // causal: keys 0..last
    // The batch's keys in splitCount ranges; computed here, so a recorded step stays valid as the
    // context grows.
    const uint keys = step.startPos + gl_NumWorkGroups.y;
    const uint splitKeys = p.splitCount == 1u ? keys : max(p.minSplitKeys, (keys + p.splitCount - 1u) / p.splitCount);
    const uint begin = split * splitKeys;
    const uint end = min(begin + splitKeys, last + 1u);  // may be <= begin: nothing to do

    for (uint d = tid; d < hd; d += WG)
        qs[d] = q[t * qDim + head * hd + d];
    barrier();

    // The value pass: with at most WG dimension pairs, thread tid owns dimensions 2*(tid % pairs) and
    // +1 of keys k = group (mod groups); with more, each thread owns pairs tid, tid + WG, ... of every
    // key (groups = 1).
    const uint pairs = hd / 2u;
    const uint groups = max(1u, WG / pairs);  // wide: 4 for headDim 64, 2 for 128, 1 for 256
    const uint pairsPerThread = (pairs + WG - 1u) / WG;
    const uint pair = tid % pairs;
    const uint group = tid / pairs;
    const bool valueThread = group < groups;

    float runMax = -1e30;
    float runSum = 0.0;
    vec2 out2[MAX_PAIRS_PER_THREAD];
    for (uint m = 0u; m < MAX_PAIRS_PER_THREAD; ++m)
        out2[m] = vec2(0.0);

    for (uint j0 = begin; j0 < end; j0 += WG) {
        // Scores of keys j0 + tid: 8 halves of the key per load.
        const uint j = j0 + tid;
        float s = -1e30;
        if (j < end) {
            const uint kb = (j * kvDim + kvBase) / 8u;
            float acc = 0.0;
            for (uint c = 0u; c < hd / 8u; ++c) {
                const uvec4 w = keyWords(kb + c);
                const uint d = 8u * c;
                acc += dot(vec4(unpackHalf2x16(w.x), unpackHalf2x16(w.y)), vec4(qs[d], qs[d + 1u], qs[d + 2u], qs[d + 3u]));
                acc += dot(vec4(unpackHalf2x16(w.z), unpackHalf2x16(w.w)),
                           vec4(qs[d + 4u], qs[d + 5u], qs[d + 6u], qs[d + 7u]));
            }
            s = acc * p.scale;
        }
        // Online softmax: new maximum, rescale what was accumulated so far.
        const float newMax = max(runMax, reduceMax(s));
        const float e = j < end ? exp(s - newMax) : 0.0;
        scores[tid] = e;
        const float rescale = exp(runMax - newMax);
        runSum = runSum * rescale + reduceSum(e);  // its barrier also publishes scores[]
        runMax = newMax;
        for (uint m = 0u; m < MAX_PAIRS_PER_THREAD; ++m)
            out2[m] *= rescale;
        // Weighted sum of values: consecutive threads read consecutive words of a value row.
        // Four keys per iteration, so four loads are in flight rather than one at a time.
        const uint count = min(uint(WG), end - j0);
        if (valueThread) {
            const uint rowWords = kvDim / 2u;
            for (uint m = 0u; m < pairsPerThread && pair + m * WG < pairs; ++m) {
                const uint first = (j0 * kvDim + kvBase) / 2u + pair + m * WG;
                uint k = group;
                vec2 acc = out2[m];
                for (; k + 3u * groups < count; k += 4u * groups) {
                    const uint w = first + k * rowWords;
                    const vec2 v0 = unpackHalf2x16(valueWord(w));
                    const vec2 v1 = unpackHalf2x16(valueWord(w + groups * rowWords));
                    const vec2 v2 = unpackHalf2x16(valueWord(w + 2u * groups * rowWords));
                    const vec2 v3 = unpackHalf2x16(valueWord(w + 3u * groups * rowWords));
                    acc += scores[k] * v0 + scores[k + groups] * v1 + scores[k + 2u * groups] * v2 +
                           scores[k + 3u * groups] * v3;
                }
                for (; k < count; k += groups)
                    acc += scores[k] * unpackHalf2x16(valueWord(first + k * rowWords));
                out2[m] = acc;
            }
        }
        barrier();  // scores[] is rewritten by the next chunk
    }

    // Sum the groups' outputs for each dimension pair (one group: each thread has whole dimensions).
    const uint partialsBase = ((t * p.headCount + head) * p.splitCount + split) * (2u + hd);
    if (groups == 1u) {
        for (uint m = 0u; m < pairsPerThread; ++m) {
            const uint pr = tid + m * WG;
            if (pr < pairs)
                for (uint c = 0u; c < 2u; ++c) {
                    const uint d = 2u * pr + c;
                    if (p.splitCount == 1u)
                        o[t * qDim + head * hd + d] = out2[m][c] / runSum;
                    else
                        partials[partialsBase + 2u + d] = out2[m][c];
                }
        }
    } else {
        outTmp[2u * tid] = valueThread ? out2[0].x : 0.0;
        outTmp[2u * tid + 1u] = valueThread ? out2[0].y : 0.0;
        barrier();
        for (uint d = tid; d < hd; d += WG) {
            float sum = 0.0;
            for (uint g = 0u; g < groups; ++g)
                sum += outTmp[2u * (g * pairs) + d];
            if (p.splitCount == 1u)
                o[t * qDim + head * hd + d] = sum / runSum;
            else
                partials[partialsBase + 2u + d] = sum;
        }
    }
    if (p.splitCount == 1u)
        return;
    if (tid == 0u) {
        partials[partialsBase] = runMax;
        partials[partialsBase + 1u] = runSum;
    }
    // Publish this split's partials, then count it done; the workgroup that counts last joins.
    memoryBarrierBuffer();
    barrier();
    if (tid == 0u) {
        const uint counter = p.counterOffset + t * p.headCount + head;
        joinHere = atomicAdd(splitCounters[counter], 1u) == p.splitCount - 1u;
        if (joinHere)
            splitCounters[counter] = 0u;  // every split has counted: ready for the next dispatch
    }
    barrier();
    if (joinHere) {
        memoryBarrierBuffer();
        joinSplits(head, t);
    }
}
