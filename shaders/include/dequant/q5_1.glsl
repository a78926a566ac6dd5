// Q5_1 weights: struct BlockQ5_1 { f16 d; f16 m; uint8 qh[4]; uint8 qs[16]; }, weight = d q + m with
// q = nibble | fifth bit << 4, in Q4_0's order; bit e of qh is element e's fifth bit. Blocks are
// 8-byte aligned. Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS Q5_1_BLOCK_ELEMS
#define BLOCK_BYTES Q5_1_BLOCK_BYTES
#include "dequant/fifth_bit.glsl"

#ifdef WEIGHTS
vec4 dequantQuad(uint bb, uint quad)
{
    const vec2 dm = unpackHalf2x16(WEIGHTS[bb >> 2]);
    const uint qh = WEIGHTS[(bb + Q5_1_OFF_QH) >> 2];
    const uint word = WEIGHTS[(bb + Q5_1_OFF_QS + 4u * (quad & 3u)) >> 2];
    return (nibbles(word, (quad >> 2) * 4u) + fifthBits(qh, 4u * quad)) * dm.x + dm.y;
}

void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint w = (rowByte + unit * Q5_1_BLOCK_BYTES) >> 2;
    const vec2 dm = unpackHalf2x16(WEIGHTS[w]);
    const uint qh = WEIGHTS[w + 1u];
    for (uint i = 0u; i < 4u; ++i) {
        const uint qs = WEIGHTS[w + 2u + i];
        q[i] = nibbles(qs, 0u) + fifthBits(qh, 4u * i);
        q[i + 4u] = nibbles(qs, 4u) + fifthBits(qh, 16u + 4u * i);
    }
    f = vec4(dm.x, dm.x, -dm.y, -dm.y);
}
#endif

#ifdef DEQUANT_RUNS
// 8 blocks of 24 bytes = 192 bytes = 12 words.
#define RUN_ELEMS 256u
#define RUN_VEC4 12u
#define WV_COUNT 12
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    loadWords(v, 12u);
    float s = 0.0;
    [[unroll]] for (uint b = 0u; b < 8u; ++b) {
        const uint o = b * Q5_1_BLOCK_BYTES;
        const uint qh = wordAt(o + Q5_1_OFF_QH);
        float q = 0.0;
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const uint w = wordAt(o + Q5_1_OFF_QS + 4u * k);
            q += dotBytes((w & 0x0F0F0F0Fu) | fifthBitBytes(qh, 4u * k), 32u * b + 4u * k)
               + dotBytes(((w >> 4) & 0x0F0F0F0Fu) | fifthBitBytes(qh, 16u + 4u * k), 32u * b + 16u + 4u * k);
        }
        const vec2 dm = unpackHalf2x16(wordAt(o + Q5_1_OFF_DM));
        s += dm.x * q + dm.y * (xsum[2u * b] + xsum[2u * b + 1u]);
    }
    return s;
}
#endif

#ifdef DEQUANT_CHUNKS
// Four blocks, 96 bytes = 24 words, 16-aligned (rows of whole chunks are multiples of 96 bytes).
struct Chunk {
    uint wd[24];
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    LOAD_TEXELS(k.wd, rowByte + 4u * BLOCK_BYTES * c, 24u);
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    const vec2 dm = unpackHalf2x16(k.wd[6u * u]);
    const uint qh = k.wd[6u * u + 1u];
    [[unroll]] for (uint i = 0u; i < 4u; ++i) {
        const uint q = k.wd[6u * u + 2u + i];
        w[i] = (nibbles(q, 0u) + fifthBits(qh, 4u * i)) * dm.x + dm.y;
        w[i + 4u] = (nibbles(q, 4u) + fifthBits(qh, 16u + 4u * i)) * dm.x + dm.y;
    }
}
#endif
