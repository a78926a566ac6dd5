// The end of a decode q|k|v product with RoPE and the KV-cache store fused in (ROPE_STORE): rows are
// rows of q|k|v from p.yOffset on; q and k rows are rotated (rope.glsl) in their adjacent pairs, which
// an even ROWS keeps in one workgroup, and k and v go straight into the f16 KV cache at the step's
// position, so no rope_store dispatch follows.
// The including mat-vec shader defines ROPE_BINDING (the first of its four bindings below), includes
// rope_store_push.glsl at the end of its push constants (`p`), declares `float y[]` (the q buffer) and,
// before calling ropeStoreRows, has its first ROWS threads store their rows' values in rowValues.
#ifndef ROPE_STORE_ROWS_GLSL
#define ROPE_STORE_ROWS_GLSL

layout(std430, binding = ROPE_BINDING) writeonly buffer KCache { uint kc[]; };  // (ctx, kvDim) f16 pairs
layout(std430, binding = ROPE_BINDING + 1) writeonly buffer VCache { uint vc[]; };
layout(std430, binding = ROPE_BINDING + 2) readonly buffer Freqs { float factors[]; };  // (headDim / 2), or 1.0
layout(std430, binding = ROPE_BINDING + 3) readonly buffer Step { uint startPos; } step;
#include "rope.glsl"

shared float rowValues[ROWS];

// Rows r, r + 1 of q|k|v (r even) for token t: q rotated into y, k rotated and v as they are into the
// cache at position startPos + t.
void ropeStore(uint r, uint t, vec2 v)
{
    const uint pos = step.startPos + t;
    const uint kvPairs = p.kvDim / 2u;
    if (r >= p.qDim + p.kvDim) {
        vc[pos * kvPairs + (r - p.qDim - p.kvDim) / 2u] = packHalf2x16(v);
        return;
    }
    const vec2 rotated = ropeRotate(v, (r % p.headDim) / 2u, pos, p.headDim, p.freqBase, p.hasFactors != 0u);
    if (r < p.qDim) {
        y[t * p.qDim + r] = rotated.x;
        y[t * p.qDim + r + 1u] = rotated.y;
    } else {
        kc[pos * kvPairs + (r - p.qDim) / 2u] = packHalf2x16(rotated);
    }
}

// Every invocation calls it (it has a barrier): rows row0 .. row0 + ROWS - 1 of token t, in pairs.
void ropeStoreRows(uint row0, uint t)
{
    barrier();
    const uint tid = gl_LocalInvocationID.x;
    if (tid < ROWS / 2u && row0 + 2u * tid < p.rows)
        ropeStore(p.yOffset + row0 + 2u * tid, t, vec2(rowValues[2u * tid], rowValues[2u * tid + 1u]));
}

#endif
