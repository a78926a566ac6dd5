// Q3_K weights: struct BlockQ3_K { uint8 hmask[32]; uint8 qs[64]; uint8 scales[12]; f16 d; }. Q2_K's
// layout (half n, plane k: bits 2k..2k+1 of qs[32n + l]) plus a third bit, bit 4n + k of hmask[l]
// (clear: minus 4), and signed 6-bit scales per 16 elements without mins: weight = d scale (v - 4)
// with v = q | h << 2. Blocks of 110 bytes are only 2-byte aligned. Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS Q3_K_BLOCK_ELEMS
#define BLOCK_BYTES Q3_K_BLOCK_BYTES

// Scales 4a .. 4a+3 (of 16; offset by 32) as a word of bytes, from the 12 scale bytes as words s0, s1,
// s2: the low 4 bits of scale j are nibble j / 8 of byte j % 8, the high 2 bits bits 2(j / 4) of byte
// 8 + j % 4 (ggml's packing).
uint q3ScaleWord(uint s0, uint s1, uint s2, uint a)
{
    const uint low = ((a & 1u) == 0u ? s0 : s1) >> (4u * (a >> 1));
    return (low & 0x0F0F0F0Fu) | (((s2 >> (2u * a)) & 0x03030303u) << 4);
}
float q3Scale(uint word, uint b) { return float(int((word >> (8u * b)) & 0xFFu) - 32); }

// v = q | h << 2 of plane k's 4 elements in a qs word, with their hmask word shifted to the plane's bit.
uint q3Bytes(uint qs, uint hm, uint k) { return ((qs >> (2u * k)) & 0x03030303u) | ((hm & 0x01010101u) << 2); }
vec4 byteVec(uint b) { return vec4(b & 0xFFu, (b >> 8) & 0xFFu, (b >> 16) & 0xFFu, b >> 24); }

#ifdef WEIGHTS
// Scale `is` (0..15) from the block's scale bytes.
float q3ScaleAt(uint bb, uint is)
{
    const uint low = (loadU8(bb + Q3_K_OFF_SCALES + (is & 7u)) >> (4u * (is >> 3))) & 0xFu;
    const uint high = (loadU8(bb + Q3_K_OFF_SCALES + 8u + (is & 3u)) >> (2u * (is >> 2))) & 3u;
    return float(int(low | (high << 4)) - 32);
}

vec4 dequantQuad(uint bb, uint quad)
{
    const uint n = quad >> 5;
    const uint k = (quad >> 3) & 3u;
    const uint l = 4u * (quad & 7u);
    const uint v = q3Bytes(loadU32(bb + Q3_K_OFF_QS + 32u * n + l), loadU32(bb + Q3_K_OFF_HMASK + l) >> (4u * n + k), k);
    return (byteVec(v) - 4.0) * (loadF16(bb + Q3_K_OFF_D) * q3ScaleAt(bb, 8u * n + 2u * k + (l >> 4)));
}

// Unit s of a block is plane k = s % 4 of half n = s / 4: sub-blocks 8n + 2k and 8n + 2k + 1.
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + (unit >> 3) * Q3_K_BLOCK_BYTES;
    const uint n = (unit >> 2) & 1u;
    const uint k = unit & 3u;
    uint qs[8];
    uint hm[8];
    LOAD_FUNNEL(qs, bb + Q3_K_OFF_QS + 32u * n, 8u);
    LOAD_FUNNEL(hm, bb + Q3_K_OFF_HMASK, 8u);
    for (uint i = 0u; i < 8u; ++i)
        q[i] = byteVec(q3Bytes(qs[i], hm[i] >> (4u * n + k), k));
    const float d = loadF16(bb + Q3_K_OFF_D);
    const float d0 = d * q3ScaleAt(bb, 8u * n + 2u * k);
    const float d1 = d * q3ScaleAt(bb, 8u * n + 2u * k + 1u);
    f = vec4(d0, d1, 4.0 * d0, 4.0 * d1);
}
#endif

#ifdef DEQUANT_Q8
// Chunk c: units 2c and 2c + 1, planes 2e and 2e + 1 (e = c % 2) of half n = (c / 2) % 2 of block
// c / 4, from the half's 32 qs bytes and the block's 32 hmask bytes; v - 4 is formed as a signed byte
// (q, or q - 4 = 0xFC | q where the hmask bit is clear), each sub-block of 16 scaled once.
#define Q8_CHUNK_UNITS 2
uint q8ChunkUnit(uint c, uint k) { return 2u * c + k; }
float q8ChunkDot(uint rowByte, uint c, uvec4 xq[4], vec2 xd[2])
{
    const uint bb = rowByte + (c >> 2) * Q3_K_BLOCK_BYTES;
    const uint n = (c >> 1) & 1u;
    const uint e = c & 1u;
    uint qs[8];
    uint hm[8];
    LOAD_FUNNEL(qs, bb + Q3_K_OFF_QS + 32u * n, 8u);
    LOAD_FUNNEL(hm, bb + Q3_K_OFF_HMASK, 8u);
    int dots[4] = int[4](0, 0, 0, 0);
    for (uint i = 0u; i < 8u; ++i) {
        for (uint k = 0u; k < 2u; ++k) {
            const uint plane = 2u * e + k;
            const uint clear = ~(hm[i] >> (4u * n + plane)) & 0x01010101u;
            const uint v = ((qs[i] >> (2u * plane)) & 0x03030303u) | (clear * 0xFCu);
            dots[2u * k + (i >> 2)] += dot4(v, XWORD(xq, 2u * k, i));
        }
    }
    // Scales 8n + 4e .. 8n + 4e + 3 (group 2n + e): sub-block h of unit k is byte 2k + h.
    uint tail[4];
    LOAD_FUNNEL(tail, bb + Q3_K_OFF_SCALES, 4u);
    const uint sw = q3ScaleWord(tail[0], tail[1], tail[2], 2u * n + e);
    float s = 0.0;
    for (uint k = 0u; k < 2u; ++k) {
        const int s0 = int((sw >> (16u * k)) & 0xFFu) - 32;
        const int s1 = int((sw >> (16u * k + 8u)) & 0xFFu) - 32;
        s += xd[k].x * float(s0 * dots[2u * k] + s1 * dots[2u * k + 1u]);
    }
    return unpackHalf2x16(tail[3]).x * s;
}
#endif

#ifdef DEQUANT_RUNS
// A run is 8 blocks (880 bytes = 55 words); chunk c is block c, 110c bytes in: the 8 words from word
// 110c / 16 hold it (the last block's 7, the eighth read clamped), 14c mod 16 bytes in, and are moved
// down to it and joined in pairs (RUN_BLOCK_WORDS).
#define RUN_ELEMS 2048u
#define RUN_VEC4 55u
#define WV_COUNT 8
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    uint b[28];
    RUN_BLOCK_WORDS(b, 28u, v, c * Q3_K_BLOCK_BYTES);
    const uint s0 = b[Q3_K_OFF_SCALES / 4];
    const uint s1 = b[Q3_K_OFF_SCALES / 4 + 1];
    const uint s2 = b[Q3_K_OFF_SCALES / 4 + 2];
    float s = 0.0;
    [[unroll]] for (uint n = 0u; n < 2u; ++n) {
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const uint sw = q3ScaleWord(s0, s1, s2, 2u * n + (k >> 1));
            [[unroll]] for (uint sub = 0u; sub < 2u; ++sub) {
                const uint is = 8u * n + 2u * k + sub;
                float q = 0.0;
                [[unroll]] for (uint j = 0u; j < 4u; ++j) {
                    const uint qs = b[Q3_K_OFF_QS / 4 + 8u * n + 4u * sub + j];
                    const uint hm = b[Q3_K_OFF_HMASK / 4 + 4u * sub + j] >> (4u * n + k);
                    q += dotBytes(q3Bytes(qs, hm, k), 16u * is + 4u * j);
                }
                s += q3Scale(sw, 2u * (k & 1u) + sub) * (q - 4.0 * xsum[is]);
            }
        }
    }
    return unpackHalf2x16(b[Q3_K_OFF_D / 4]).x * s;
}
#endif

#ifdef DEQUANT_CHUNKS
// Chunk c is half h = c & 1 of block c / 2: its 32 qs bytes, the block's 32 hmask bytes (shifted to
// bit 4h: bit u of each byte for unit u), the half's 8 scales and d; unit u is plane u of the half.
struct Chunk {
    uint qs[8];
    uint hm[8];
    uint scales[2];  // scales 8h .. 8h+7 as bytes offset by 32
    float d;
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    const uint bb = rowByte + (c >> 1) * Q3_K_BLOCK_BYTES;
    const uint h = c & 1u;
    LOAD_UNALIGNED(k.qs, bb + Q3_K_OFF_QS + 32u * h, 8u);
    LOAD_UNALIGNED(k.hm, bb + Q3_K_OFF_HMASK, 8u);
    [[unroll]] for (uint i = 0u; i < 8u; ++i)
        k.hm[i] >>= 4u * h;
    uint tail[4];
    LOAD_UNALIGNED(tail, bb + Q3_K_OFF_SCALES, 4u);
    k.scales[0] = q3ScaleWord(tail[0], tail[1], tail[2], 2u * h);
    k.scales[1] = q3ScaleWord(tail[0], tail[1], tail[2], 2u * h + 1u);
    k.d = unpackHalf2x16(tail[3]).x;
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    // Scales 2u and 2u + 1 of the half (a select, not k.scales[u >> 1]: see q6_k.glsl).
    const uint sw = (u >> 1) == 0u ? k.scales[0] : k.scales[1];
    const float d0 = k.d * q3Scale(sw, 2u * (u & 1u));
    const float d1 = k.d * q3Scale(sw, 2u * (u & 1u) + 1u);
    [[unroll]] for (uint i = 0u; i < 8u; ++i)
        w[i] = (byteVec(q3Bytes(k.qs[i], k.hm[i] >> u, u)) - 4.0) * (i < 4u ? d0 : d1);
}
#endif
