// Q4_0 weights: struct BlockQ4_0 { f16 d; uint8 qs[16]; }, weight = d (q - 8); element j is the low
// nibble of qs[j], element j + 16 its high nibble. Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS Q4_0_BLOCK_ELEMS
#define BLOCK_BYTES Q4_0_BLOCK_BYTES

#ifdef WEIGHTS
// Quads 0-3: low nibbles of qs word 0-3 (elements 0-15); quads 4-7: high nibbles (elements 16-31).
vec4 dequantQuad(uint bb, uint quad)
{
    const float d = loadF16(bb + Q4_0_OFF_D);
    const uint word = loadU32(bb + Q4_0_OFF_QS + 4u * (quad & 3u));
    return (nibbles(word, (quad >> 2) * 4u) - 8.0) * d;
}

void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + unit * Q4_0_BLOCK_BYTES;
    const float d = loadF16(bb + Q4_0_OFF_D);
    uint w[4];
    LOAD_FUNNEL(w, bb + Q4_0_OFF_QS, 4u);
    for (uint i = 0u; i < 4u; ++i) {
        q[i] = nibbles(w[i], 0u);
        q[i + 4u] = nibbles(w[i], 4u);
    }
    f = vec4(d, d, 8.0 * d, 8.0 * d);
}
#endif

#ifdef DEQUANT_Q8
// Chunk c: block c, one unit: d, then 32 nibbles (the -8 applied through the unit's d * sum(q)).
#define Q8_CHUNK_UNITS 1
uint q8ChunkUnit(uint c, uint k) { return c; }
float q8ChunkDot(uint rowByte, uint c, uvec4 xq[2], vec2 xd[1])
{
    const uint bb = rowByte + c * BLOCK_BYTES;
    int s = 0;
    uint w[4];
    LOAD_FUNNEL(w, bb + Q4_0_OFF_QS, 4u);
    for (uint i = 0u; i < 4u; ++i)
        s += dot4(w[i] & 0x0F0F0F0Fu, xq[0][i]) + dot4((w[i] >> 4) & 0x0F0F0F0Fu, xq[1][i]);
    return loadF16(bb + Q4_0_OFF_D) * (xd[0].x * float(s) - 8.0 * xd[0].y);
}
#endif

#ifdef DEQUANT_RUNS
// 8 blocks of 18 bytes = 144 bytes = 9 words.
#define RUN_ELEMS 256u
#define RUN_VEC4 9u
#define WV_COUNT 9
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    loadWords(v, 9u);
    float s = 0.0;
    [[unroll]] for (uint b = 0u; b < 8u; ++b) {
        const uint o = b * Q4_0_BLOCK_BYTES;
        float q = 0.0;
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const uint w = wordAt(o + Q4_0_OFF_QS + 4u * k);
            q += dotNibbles(w, 0u, 32u * b + 4u * k) + dotNibbles(w, 1u, 32u * b + 16u + 4u * k);
        }
        s += halfAt(o + Q4_0_OFF_D) * (q - 8.0 * (xsum[2u * b] + xsum[2u * b + 1u]));
    }
    return s;
}
#endif

#ifdef DEQUANT_CHUNKS
#define PAIR_QS 4u
#include "dequant/pair_chunk.glsl"

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    const float d = pairScale(k, u);
    [[unroll]] for (uint i = 0u; i < 4u; ++i) {
        const uint q = pairQs(k, u, i);
        w[i] = (nibbles(q, 0u) - 8.0) * d;
        w[i + 4u] = (nibbles(q, 4u) - 8.0) * d;
    }
}
#endif
