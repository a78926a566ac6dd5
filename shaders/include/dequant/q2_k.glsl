// Q2_K weights: struct BlockQ2_K { uint8 scales[16]; uint8 qs[64]; f16 d; f16 dmin; }. Two halves of
// 128 elements; in half n, plane k (32 elements) is bits 2k..2k+1 of qs[32n .. 32n+31], and each 16
// elements (sub-block 8n + 2k + l/16) have a 4-bit scale (low nibble of its scales byte) and a 4-bit
// min (high nibble): weight = d scale q - dmin min. Blocks of 84 bytes are 4-byte aligned.
// Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS Q2_K_BLOCK_ELEMS
#define BLOCK_BYTES Q2_K_BLOCK_BYTES

// The 2-bit values of plane k in a word's 4 bytes, as floats.
vec4 q2Plane(uint word, uint k)
{
    const uint b = (word >> (2u * k)) & 0x03030303u;
    return vec4(b & 0xFFu, (b >> 8) & 0xFFu, (b >> 16) & 0xFFu, b >> 24);
}

#ifdef WEIGHTS
vec4 dequantQuad(uint bb, uint quad)
{
    const uint n = quad >> 5;
    const uint k = (quad >> 3) & 3u;
    const uint l = 4u * (quad & 7u);
    const uint word = WEIGHTS[(bb + Q2_K_OFF_QS + 32u * n + l) >> 2];
    const uint sc = loadU8(bb + Q2_K_OFF_SCALES + 8u * n + 2u * k + (l >> 4));
    const vec2 dm = unpackHalf2x16(WEIGHTS[(bb + Q2_K_OFF_D) >> 2]);
    return q2Plane(word, k) * (dm.x * float(sc & 0xFu)) - dm.y * float(sc >> 4);
}

// Unit s of a block is plane k = s % 4 of half n = s / 4: sub-blocks 8n + 2k and 8n + 2k + 1.
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + (unit >> 3) * Q2_K_BLOCK_BYTES;
    const uint n = (unit >> 2) & 1u;
    const uint k = unit & 3u;
    const uint qw = (bb + Q2_K_OFF_QS + 32u * n) >> 2;
    for (uint i = 0u; i < 8u; ++i)
        q[i] = q2Plane(WEIGHTS[qw + i], k);
    const uint sc = (WEIGHTS[(bb + Q2_K_OFF_SCALES + 8u * n + 2u * k) >> 2] >> (16u * (k & 1u))) & 0xFFFFu;
    const vec2 dm = unpackHalf2x16(WEIGHTS[(bb + Q2_K_OFF_D) >> 2]);
    f = vec4(dm.x * float(sc & 0xFu), dm.x * float((sc >> 8) & 0xFu), dm.y * float((sc >> 4) & 0xFu),
             dm.y * float(sc >> 12));
}
#endif

#ifdef DEQUANT_Q8
// Chunk c: units 2c and 2c + 1, planes 2e and 2e + 1 (e = c % 2) of half n = (c / 2) % 2 of block
// c / 4, both from the half's 32 qs bytes. Each unit's two sub-blocks of 16 have a scale and a min;
// the mins are applied through the sub-blocks' sums of int8 activations (a dot4 with ones).
#define Q8_CHUNK_UNITS 2
uint q8ChunkUnit(uint c, uint k) { return 2u * c + k; }
float q8ChunkDot(uint rowByte, uint c, uvec4 xq[4], vec2 xd[2])
{
    const uint bb = rowByte + (c >> 2) * Q2_K_BLOCK_BYTES;
    const uint n = (c >> 1) & 1u;
    const uint e = c & 1u;
    const uint qw = (bb + Q2_K_OFF_QS + 32u * n) >> 2;
    // Scale bytes 8n + 4e .. 8n + 4e + 3: sub-block h of unit k is byte 2k + h.
    const uint sc = WEIGHTS[(bb + Q2_K_OFF_SCALES + 8u * n + 4u * e) >> 2];
    int dots[4] = int[4](0, 0, 0, 0);
    int sums[4] = int[4](0, 0, 0, 0);
    for (uint i = 0u; i < 8u; ++i) {
        const uint w = WEIGHTS[qw + i];
        for (uint k = 0u; k < 2u; ++k) {
            const uint x = XWORD(xq, 2u * k, i);
            dots[2u * k + (i >> 2)] += dot4((w >> (2u * (2u * e + k))) & 0x03030303u, x);
            sums[2u * k + (i >> 2)] += dot4(0x01010101u, x);
        }
    }
    float s = 0.0;
    float m = 0.0;
    for (uint k = 0u; k < 2u; ++k) {
        const uint b0 = (sc >> (16u * k)) & 0xFFu;
        const uint b1 = (sc >> (16u * k + 8u)) & 0xFFu;
        s += xd[k].x * float(int(b0 & 0xFu) * dots[2u * k] + int(b1 & 0xFu) * dots[2u * k + 1u]);
        m += xd[k].x * float(int(b0 >> 4) * sums[2u * k] + int(b1 >> 4) * sums[2u * k + 1u]);
    }
    const vec2 dm = unpackHalf2x16(WEIGHTS[(bb + Q2_K_OFF_D) >> 2]);
    return dm.x * s - dm.y * m;
}
#endif

#ifdef DEQUANT_RUNS
// A run is 4 blocks (336 bytes = 21 words); chunk c is block c, 84c bytes in: the 6 words from word
// 84c / 16 hold it, 4c mod 16 bytes in, and are moved down to it (SELECT_WORDS).
#define RUN_ELEMS 1024u
#define RUN_VEC4 21u
#define WV_COUNT 6
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    const uint start = c * Q2_K_BLOCK_BYTES;
    loadWords(v + (start >> 4), 6u);
    uint b[21];
    SELECT_WORDS(b, 21u, start & 15u);
    const vec2 dm = unpackHalf2x16(b[Q2_K_OFF_D / 4]);
    float s = 0.0;
    float m = 0.0;
    [[unroll]] for (uint n = 0u; n < 2u; ++n) {
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            [[unroll]] for (uint sub = 0u; sub < 2u; ++sub) {
                const uint is = 8u * n + 2u * k + sub;
                const uint sc = (b[is >> 2] >> (8u * (is & 3u))) & 0xFFu;
                float q = 0.0;
                [[unroll]] for (uint j = 0u; j < 4u; ++j) {
                    const uint w = b[Q2_K_OFF_QS / 4 + 8u * n + 4u * sub + j];
                    q += dotBytes((w >> (2u * k)) & 0x03030303u, 16u * is + 4u * j);
                }
                s += float(sc & 0xFu) * q;
                m += float(sc >> 4) * xsum[is];
            }
        }
    }
    return dm.x * s - dm.y * m;
}
#endif

#ifdef DEQUANT_CHUNKS
// Chunk c is half h = c & 1 of block c / 2: its 32 qs bytes, 8 scale bytes, and the block's d, dmin;
// unit u is plane u of the half.
struct Chunk {
    uint qs[8];
    uint scales[2];
    vec2 dm;
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    const uint bb = rowByte + (c >> 1) * Q2_K_BLOCK_BYTES;
    const uint h = c & 1u;
    LOAD_ALIGNED(k.qs, bb + Q2_K_OFF_QS + 32u * h, 8u);
    LOAD_ALIGNED(k.scales, bb + Q2_K_OFF_SCALES + 8u * h, 2u);
    uint dm[1];
    LOAD_ALIGNED(dm, bb + Q2_K_OFF_D, 1u);
    k.dm = unpackHalf2x16(dm[0]);
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    // Scale bytes 2u and 2u + 1 of the half (a select, not k.scales[u >> 1]: see q6_k.glsl).
    const uint sc = ((u >> 1) == 0u ? k.scales[0] : k.scales[1]) >> (16u * (u & 1u));
    const float d0 = k.dm.x * float(sc & 0xFu);
    const float m0 = k.dm.y * float((sc >> 4) & 0xFu);
    const float d1 = k.dm.x * float((sc >> 8) & 0xFu);
    const float m1 = k.dm.y * float((sc >> 12) & 0xFu);
    [[unroll]] for (uint i = 0u; i < 8u; ++i)
        w[i] = q2Plane(k.qs[i], u) * (i < 4u ? d0 : d1) - (i < 4u ? m0 : m1);
}
#endif
