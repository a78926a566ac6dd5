// IQ4_XS weights: struct BlockIQ4_XS { f16 d; uint16 scalesH; uint8 scalesL[4]; uint8 qs[128]; }:
// eight runs of 32 elements laid out as IQ4_NL's (run j: qs[16j .. 16j+15], element l in the low
// nibble of byte l, element l + 16 in its high nibble), weight = d (ls_j - 32) kIq4nlValues[q], with
// run j's 6-bit scale ls_j = nibble j of scalesL | bits 2j..2j+1 of scalesH << 4. Blocks of 136 bytes
// are 8-byte aligned. Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS IQ4_XS_BLOCK_ELEMS
#define BLOCK_BYTES IQ4_XS_BLOCK_BYTES
#include "dequant/iq4_values.glsl"

// Run j's scale d (ls_j - 32), from the block's first two words (d | scalesH << 16, scalesL).
float iq4xsScale(uint head0, uint head1, uint j)
{
    const uint ls = ((head1 >> (4u * j)) & 0xFu) | (((head0 >> (16u + 2u * j)) & 3u) << 4);
    return unpackHalf2x16(head0).x * float(int(ls) - 32);
}

#ifdef WEIGHTS
vec4 dequantQuad(uint bb, uint quad)
{
    const uint j = quad >> 3;
    const float d = iq4xsScale(WEIGHTS[bb >> 2], WEIGHTS[(bb >> 2) + 1u], j);
    const uint word = WEIGHTS[(bb + IQ4_XS_OFF_QS + 16u * j + 4u * (quad & 3u)) >> 2];
    return iq4Values(word, ((quad >> 2) & 1u) * 4u) * d;
}

// Unit s of a block is its run s.
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint w = (rowByte + (unit >> 3) * IQ4_XS_BLOCK_BYTES) >> 2;
    const uint j = unit & 7u;
    const float d = iq4xsScale(WEIGHTS[w], WEIGHTS[w + 1u], j);
    for (uint i = 0u; i < 4u; ++i) {
        const uint qs = WEIGHTS[w + 2u + 4u * j + i];
        q[i] = iq4Values(qs, 0u);
        q[i + 4u] = iq4Values(qs, 4u);
    }
    f = vec4(d, d, 0.0, 0.0);
}
#endif

#ifdef DEQUANT_RUNS
// A run is 2 blocks (272 bytes = 17 words); chunk c is block c, 8c bytes into word 8.5c: its 9 words
// are loaded, moved down by 2c words (selects, the same code for both blocks), and read at constant
// offsets.
#define RUN_ELEMS 512u
#define RUN_VEC4 17u
#define WV_COUNT 9
#include "dequant/runs.glsl"

// Word i of the block, which starts `ws` (0 or 2) words into wv.
uint xsWord(uint i, uint ws)
{
    const uint a = wv[i >> 2][i & 3u];
    const uint b = wv[min(i + 2u, 35u) >> 2][(i + 2u) & 3u];
    return ws == 0u ? a : b;
}

float chunkDot(uint v, uint c)
{
    loadWords(v + 8u * c, 9u);
    const uint ws = 2u * c;
    const uint head0 = xsWord(0u, ws);
    const uint head1 = xsWord(1u, ws);
    float s = 0.0;
    [[unroll]] for (uint j = 0u; j < 8u; ++j) {
        float q = 0.0;
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const uint w = xsWord(2u + 4u * j + k, ws);
            q += dot(iq4Values(w, 0u), xs[8u * j + k]) + dot(iq4Values(w, 4u), xs[8u * j + 4u + k]);
        }
        s += iq4xsScale(head0, head1, j) * q;
    }
    return s;
}
#endif

#ifdef DEQUANT_CHUNKS
// Chunk c is half h = c & 1 of block c / 2: runs 4h..4h+3, whose 64 qs bytes are contiguous, and the
// block's head (d, scales).
struct Chunk {
    uint head[2];
    uint qs[16];
    uint h;
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    const uint bb = rowByte + (c >> 1) * IQ4_XS_BLOCK_BYTES;
    k.h = c & 1u;
    LOAD_ALIGNED(k.head, bb, 2u);
    LOAD_ALIGNED(k.qs, bb + IQ4_XS_OFF_QS + 64u * k.h, 16u);
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    const float d = iq4xsScale(k.head[0], k.head[1], 4u * k.h + u);
    [[unroll]] for (uint i = 0u; i < 4u; ++i) {
        const uint q = k.qs[4u * u + i];
        w[i] = iq4Values(q, 0u) * d;
        w[i + 4u] = iq4Values(q, 4u) * d;
    }
}
#endif
