// Q4_1 weights: struct BlockQ4_1 { f16 d; f16 m; uint8 qs[16]; }, weight = d q + m, in Q4_0's order
// (element j: low nibble of qs[j], element j + 16: its high nibble). Blocks are 4-byte aligned.
// Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS Q4_1_BLOCK_ELEMS
#define BLOCK_BYTES Q4_1_BLOCK_BYTES

#ifdef WEIGHTS
vec4 dequantQuad(uint bb, uint quad)
{
    const vec2 dm = unpackHalf2x16(WEIGHTS[bb >> 2]);
    const uint word = WEIGHTS[(bb + Q4_1_OFF_QS + 4u * (quad & 3u)) >> 2];
    return nibbles(word, (quad >> 2) * 4u) * dm.x + dm.y;
}

void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint w = (rowByte + unit * Q4_1_BLOCK_BYTES) >> 2;
    const vec2 dm = unpackHalf2x16(WEIGHTS[w]);
    for (uint i = 0u; i < 4u; ++i) {
        const uint qs = WEIGHTS[w + 1u + i];
        q[i] = nibbles(qs, 0u);
        q[i + 4u] = nibbles(qs, 4u);
    }
    f = vec4(dm.x, dm.x, -dm.y, -dm.y);
}
#endif

#ifdef DEQUANT_RUNS
// 8 blocks of 20 bytes = 160 bytes = 10 words.
#define RUN_ELEMS 256u
#define RUN_VEC4 10u
#define WV_COUNT 10
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    loadWords(v, 10u);
    float s = 0.0;
    [[unroll]] for (uint b = 0u; b < 8u; ++b) {
        const uint o = b * Q4_1_BLOCK_BYTES;
        float q = 0.0;
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const uint w = wordAt(o + Q4_1_OFF_QS + 4u * k);
            q += dotNibbles(w, 0u, 32u * b + 4u * k) + dotNibbles(w, 1u, 32u * b + 16u + 4u * k);
        }
        const vec2 dm = unpackHalf2x16(wordAt(o + Q4_1_OFF_DM));
        s += dm.x * q + dm.y * (xsum[2u * b] + xsum[2u * b + 1u]);
    }
    return s;
}
#endif

#ifdef DEQUANT_CHUNKS
// Four blocks, 80 bytes = 20 words, 16-aligned (rows of whole chunks are multiples of 80 bytes).
struct Chunk {
    uint wd[20];
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    LOAD_TEXELS(k.wd, rowByte + 4u * BLOCK_BYTES * c, 20u);
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    const vec2 dm = unpackHalf2x16(k.wd[5u * u]);
    [[unroll]] for (uint i = 0u; i < 4u; ++i) {
        const uint q = k.wd[5u * u + 1u + i];
        w[i] = nibbles(q, 0u) * dm.x + dm.y;
        w[i + 4u] = nibbles(q, 4u) * dm.x + dm.y;
    }
}
#endif
