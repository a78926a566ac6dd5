// Q5_0 weights: struct BlockQ5_0 { f16 d; uint8 qh[4]; uint8 qs[16]; }, weight = d (q - 16) with
// q = nibble | fifth bit << 4, in Q4_0's order; bit e of qh is element e's fifth bit. Blocks of 22
// bytes are only 2-byte aligned. Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS Q5_0_BLOCK_ELEMS
#define BLOCK_BYTES Q5_0_BLOCK_BYTES
#include "dequant/fifth_bit.glsl"

#ifdef WEIGHTS
vec4 dequantQuad(uint bb, uint quad)
{
    const float d = loadF16(bb + Q5_0_OFF_D);
    const uint qh = loadU32(bb + Q5_0_OFF_QH);
    const uint word = loadU32(bb + Q5_0_OFF_QS + 4u * (quad & 3u));
    return (nibbles(word, (quad >> 2) * 4u) + fifthBits(qh, 4u * quad) - 16.0) * d;
}

void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + unit * Q5_0_BLOCK_BYTES;
    const float d = loadF16(bb + Q5_0_OFF_D);
    const uint qh = loadU32(bb + Q5_0_OFF_QH);
    uint w[4];
    LOAD_FUNNEL(w, bb + Q5_0_OFF_QS, 4u);
    for (uint i = 0u; i < 4u; ++i) {
        q[i] = nibbles(w[i], 0u) + fifthBits(qh, 4u * i);
        q[i + 4u] = nibbles(w[i], 4u) + fifthBits(qh, 16u + 4u * i);
    }
    f = vec4(d, d, 16.0 * d, 16.0 * d);
}
#endif

#ifdef DEQUANT_RUNS
// 8 blocks of 22 bytes = 176 bytes = 11 words.
#define RUN_ELEMS 256u
#define RUN_VEC4 11u
#define WV_COUNT 11
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    loadWords(v, 11u);
    float s = 0.0;
    [[unroll]] for (uint b = 0u; b < 8u; ++b) {
        const uint o = b * Q5_0_BLOCK_BYTES;
        const uint qh = wordAt(o + Q5_0_OFF_QH);
        float q = 0.0;
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const uint w = wordAt(o + Q5_0_OFF_QS + 4u * k);
            q += dotBytes((w & 0x0F0F0F0Fu) | fifthBitBytes(qh, 4u * k), 32u * b + 4u * k)
               + dotBytes(((w >> 4) & 0x0F0F0F0Fu) | fifthBitBytes(qh, 16u + 4u * k), 32u * b + 16u + 4u * k);
        }
        s += halfAt(o + Q5_0_OFF_D) * (q - 16.0 * (xsum[2u * b] + xsum[2u * b + 1u]));
    }
    return s;
}
#endif

#ifdef DEQUANT_CHUNKS
// Four blocks, 88 bytes = 22 words, 8-aligned (rows of whole chunks are multiples of 88 bytes); the
// fields of odd blocks are 2 bytes off their words.
struct Chunk {
    uint wd[22];
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    LOAD_ALIGNED(k.wd, rowByte + 4u * BLOCK_BYTES * c, 22u);
}

// The word at an even byte offset of the chunk (a constant once unrolled).
uint chunkWordAt(Chunk k, uint b)
{
    const uint i = b >> 2;
    return (b & 2u) == 0u ? k.wd[i] : funnel(k.wd[i], k.wd[min(i + 1u, 21u)], 16u);
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    const uint o = u * Q5_0_BLOCK_BYTES;
    const float d = unpackHalf2x16(chunkWordAt(k, o + Q5_0_OFF_D)).x;
    const uint qh = chunkWordAt(k, o + Q5_0_OFF_QH);
    [[unroll]] for (uint i = 0u; i < 4u; ++i) {
        const uint q = chunkWordAt(k, o + Q5_0_OFF_QS + 4u * i);
        w[i] = (nibbles(q, 0u) + fifthBits(qh, 4u * i) - 16.0) * d;
        w[i + 4u] = (nibbles(q, 4u) + fifthBits(qh, 16u + 4u * i) - 16.0) * d;
    }
}
#endif
