// Q8_0 weights: struct BlockQ8_0 { f16 d; int8 qs[32]; }, weight = d q. Access forms: see
// ../dequant.glsl.
#define BLOCK_ELEMS Q8_0_BLOCK_ELEMS
#define BLOCK_BYTES Q8_0_BLOCK_BYTES

#ifdef WEIGHTS
vec4 dequantQuad(uint bb, uint quad)
{
    const float d = loadF16(bb + Q8_0_OFF_D);
    return signedBytes(loadU32(bb + Q8_0_OFF_QS + 4u * quad)) * d;
}

void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + unit * Q8_0_BLOCK_BYTES;
    const float d = loadF16(bb + Q8_0_OFF_D);
    uint w[8];
    LOAD_FUNNEL(w, bb + Q8_0_OFF_QS, 8u);
    for (uint i = 0u; i < 8u; ++i)
        q[i] = signedBytes(w[i]);
    f = vec4(d, d, 0.0, 0.0);
}
#endif

#ifdef DEQUANT_Q8
// Chunk c: block c, one unit: d, then 32 signed bytes.
#define Q8_CHUNK_UNITS 1
uint q8ChunkUnit(uint c, uint k) { return c; }
float q8ChunkDot(uint rowByte, uint c, uvec4 xq[2], vec2 xd[1])
{
    const uint bb = rowByte + c * BLOCK_BYTES;
    int s = 0;
    uint w[8];
    LOAD_FUNNEL(w, bb + Q8_0_OFF_QS, 8u);
    for (uint i = 0u; i < 8u; ++i)
        s += dot4(w[i], XWORD(xq, 0u, i));
    return loadF16(bb + Q8_0_OFF_D) * xd[0].x * float(s);
}
#endif

#ifdef DEQUANT_RUNS
// 8 blocks of 34 bytes = 272 bytes = 17 words.
#define RUN_ELEMS 256u
#define RUN_VEC4 17u
#define WV_COUNT 17
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    loadWords(v, 17u);
    float s = 0.0;
    [[unroll]] for (uint b = 0u; b < 8u; ++b) {
        const uint o = b * Q8_0_BLOCK_BYTES;
        float q = 0.0;
        [[unroll]] for (uint k = 0u; k < 8u; ++k)
            q += dotSignedBytes(wordAt(o + Q8_0_OFF_QS + 4u * k), 32u * b + 4u * k);
        s += halfAt(o + Q8_0_OFF_D) * q;
    }
    return s;
}
#endif

#ifdef DEQUANT_CHUNKS
#define PAIR_QS 8u
#include "dequant/pair_chunk.glsl"

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    const float d = pairScale(k, u);
    [[unroll]] for (uint i = 0u; i < 8u; ++i)
        w[i] = signedBytes(pairQs(k, u, i)) * d;
}
#endif
