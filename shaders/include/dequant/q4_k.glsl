// Q4_K weights, and Q5_K's (q5_k.glsl), which are Q4_K's plus a fifth bit per element:
//   struct BlockQ4_K { f16 d; f16 dmin; uint8 scales[12]; uint8 qs[128]; }
//   struct BlockQ5_K { f16 d; f16 dmin; uint8 scales[12]; uint8 qh[32]; uint8 qs[128]; }
// Four groups of 64 elements; group j's 32 qs bytes hold elements 64j..64j+31 in their low nibbles
// (sub-block 2j) and 64j+32..64j+63 in their high nibbles (sub-block 2j+1); Q5_K adds bit 2j + hi of
// qh[l] for element 64j + 32hi + l. Weight = d scale q - dmin min, with 6-bit scales and mins.
// Access forms: see ../dequant.glsl.
#if defined(TYPE_Q5_K)
#define BLOCK_ELEMS Q5_K_BLOCK_ELEMS
#define BLOCK_BYTES Q5_K_BLOCK_BYTES
#define K4_OFF_QS Q5_K_OFF_QS
#else
#define BLOCK_ELEMS Q4_K_BLOCK_ELEMS
#define BLOCK_BYTES Q4_K_BLOCK_BYTES
#define K4_OFF_QS Q4_K_OFF_QS
#endif

// The 6-bit scale and min of sub-block j from the 12 scale bytes held as 3 words (ggml's
// get_scale_min_k4).
uint scaleByte(uvec3 scales, uint k) { return (scales[k >> 2] >> ((k & 3u) * 8u)) & 0xFFu; }

vec2 scaleMinK4Words(uvec3 scales, uint j)
{
    if (j < 4u)
        return vec2(scaleByte(scales, j) & 63u, scaleByte(scales, j + 4u) & 63u);
    const uint a = scaleByte(scales, j + 4u);
    const uint lo = scaleByte(scales, j - 4u);
    const uint hi = scaleByte(scales, j);
    return vec2((a & 0xFu) | ((lo >> 6) << 4), (a >> 4) | ((hi >> 6) << 4));
}

#ifdef WEIGHTS
// The same from the word array.
vec2 scaleMinK4(uint scalesByte, uint j)
{
    if (j < 4u)
        return vec2(loadU8(scalesByte + j) & 63u, loadU8(scalesByte + j + 4u) & 63u);
    const uint a = loadU8(scalesByte + j + 4u);
    const uint lo = loadU8(scalesByte + j - 4u);
    const uint hi = loadU8(scalesByte + j);
    return vec2((a & 0xFu) | ((lo >> 6) << 4), (a >> 4) | ((hi >> 6) << 4));
}

vec4 dequantQuad(uint bb, uint quad)
{
    const uint j = quad >> 4;
    const uint hi = (quad >> 3) & 1u;
    const uint m = quad & 7u;
    const vec2 dm = unpackHalf2x16(WEIGHTS[bb >> 2]);
    const vec2 sm = scaleMinK4(bb + Q4_K_OFF_SCALES, 2u * j + hi);
    const uint word = WEIGHTS[(bb + K4_OFF_QS + 32u * j + 4u * m) >> 2];
#if defined(TYPE_Q5_K)
    const uint high = WEIGHTS[(bb + Q5_K_OFF_QH + 4u * m) >> 2] >> (2u * j + hi);
    const vec4 h = vec4(high & 1u, (high >> 8) & 1u, (high >> 16) & 1u, (high >> 24) & 1u);
    return (nibbles(word, hi * 4u) + 16.0 * h) * (dm.x * sm.x) - dm.y * sm.y;
#else
    return nibbles(word, hi * 4u) * (dm.x * sm.x) - dm.y * sm.y;
#endif
}

#if defined(WEIGHTS4)
// With a 16-byte view of the weights (WEIGHTS4; K-quant blocks and rows are 16-byte aligned): the
// block's d, dmin and 12 scale bytes in one load, the unit's 32 qs bytes in two. GPUs issue a
// quarter of the load instructions of the word-by-word form below.
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + (unit >> 3) * BLOCK_BYTES;
    const uint s = unit & 7u;
    const uint shift = (s & 1u) * 4u;
    const uvec4 head = WEIGHTS4[bb >> 4];
    const vec2 dm = unpackHalf2x16(head.x);
    const vec2 sm = scaleMinK4Words(head.yzw, s);
    const float scale = dm.x * sm.x;
    const float minv = dm.y * sm.y;
    const uint q4 = (bb + K4_OFF_QS + 32u * (s >> 1)) >> 4;
    const uvec4 qa = WEIGHTS4[q4];
    const uvec4 qb = WEIGHTS4[q4 + 1u];
    const uint words[8] = uint[8](qa.x, qa.y, qa.z, qa.w, qb.x, qb.y, qb.z, qb.w);
#if defined(TYPE_Q5_K)
    const uvec4 ha = WEIGHTS4[(bb + Q5_K_OFF_QH) >> 4];
    const uvec4 hb = WEIGHTS4[((bb + Q5_K_OFF_QH) >> 4) + 1u];
    const uint qh[8] = uint[8](ha.x, ha.y, ha.z, ha.w, hb.x, hb.y, hb.z, hb.w);
#endif
    for (uint i = 0u; i < 8u; ++i) {
        q[i] = nibbles(words[i], shift);
#if defined(TYPE_Q5_K)
        const uint h = qh[i] >> s;
        q[i] += 16.0 * vec4(h & 1u, (h >> 8) & 1u, (h >> 16) & 1u, (h >> 24) & 1u);
#endif
    }
    f = vec4(scale, scale, minv, minv);
}

#else
// Unit s of a block: group j = s/2, low (s even) or high nibbles of its 32 qs bytes, scale s.
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + (unit >> 3) * BLOCK_BYTES;
    const uint s = unit & 7u;
    const uint j = s >> 1;
    const uint hi = s & 1u;
    const vec2 dm = unpackHalf2x16(WEIGHTS[bb >> 2]);
    const vec2 sm = scaleMinK4(bb + 4u, s);
    const float scale = dm.x * sm.x;
    const float minv = dm.y * sm.y;
    const uint qw = (bb + K4_OFF_QS + 32u * j) >> 2;
    for (uint i = 0u; i < 8u; ++i) {
        q[i] = nibbles(WEIGHTS[qw + i], hi * 4u);
#if defined(TYPE_Q5_K)
        const uint h = WEIGHTS[((bb + Q5_K_OFF_QH) >> 2) + i] >> s;
        q[i] += 16.0 * vec4(h & 1u, (h >> 8) & 1u, (h >> 16) & 1u, (h >> 24) & 1u);
#endif
    }
    f = vec4(scale, scale, minv, minv);
}
#endif
#endif

#ifdef DEQUANT_Q8
// Chunk c: units 2j and 2j + 1 of block c / 4 (j = c % 4), the low and high nibbles of the same 32 qs
// bytes: two uvec4 loads for 64 weights, plus the block's head (d, dmin, scales) in one more.
// Weight = d scale q - dmin min: the mins are applied through the units' d * sum(q).
#define Q8_CHUNK_UNITS 2
uint q8ChunkUnit(uint c, uint k) { return 2u * c + k; }
float q8ChunkDot(uint rowByte, uint c, uvec4 xq[4], vec2 xd[2])
{
    const uint bb = rowByte + (c >> 2) * BLOCK_BYTES;
    const uint j = c & 3u;
    const uvec4 head = WEIGHTS4[bb >> 4];
    const vec2 dm = unpackHalf2x16(head.x);
    const vec2 smLo = scaleMinK4Words(head.yzw, 2u * j);
    const vec2 smHi = scaleMinK4Words(head.yzw, 2u * j + 1u);
    const uint q4 = (bb + K4_OFF_QS + 32u * j) >> 4;
    const uvec4 qs[2] = uvec4[2](WEIGHTS4[q4], WEIGHTS4[q4 + 1u]);
#if defined(TYPE_Q5_K)
    const uint qh4 = (bb + Q5_K_OFF_QH) >> 4;
    const uvec4 qh[2] = uvec4[2](WEIGHTS4[qh4], WEIGHTS4[qh4 + 1u]);
#endif
    int lo = 0;
    int hi = 0;
    for (uint i = 0u; i < 8u; ++i) {
        const uint w = XWORD(qs, 0u, i);
        uint a = w & 0x0F0F0F0Fu;
        uint b = (w >> 4) & 0x0F0F0F0Fu;
#if defined(TYPE_Q5_K)
        const uint h = XWORD(qh, 0u, i);
        a |= ((h >> (2u * j)) & 0x01010101u) << 4;
        b |= ((h >> (2u * j + 1u)) & 0x01010101u) << 4;
#endif
        lo += dot4(a, XWORD(xq, 0u, i));
        hi += dot4(b, XWORD(xq, 2u, i));
    }
    return dm.x * (smLo.x * xd[0].x * float(lo) + smHi.x * xd[1].x * float(hi)) -
           dm.y * (smLo.y * xd[0].y + smHi.y * xd[1].y);
}
#endif

#ifdef DEQUANT_RUNS
// A run is one block; word 0 holds d, dmin and the 12 scale bytes.
#define RUN_ELEMS 256u
#if defined(TYPE_Q5_K)
#define RUN_VEC4 11u
#define WV_COUNT 11
#define QS_WORD 3u
#else
#define RUN_VEC4 9u
#define WV_COUNT 9
#define QS_WORD 1u
#endif
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    loadWords(v, RUN_VEC4);
    const vec2 dm = unpackHalf2x16(wv[0].x);
    // The 6-bit scales and mins of the 8 sub-blocks, four per word (ggml's get_scale_min_k4).
    const uint s0 = wv[0].y, s1 = wv[0].z, s2 = wv[0].w;
    const uint scales[2] = uint[2](s0 & 0x3F3F3F3Fu, (s2 & 0x0F0F0F0Fu) | ((s0 >> 2) & 0x30303030u));
    const uint mins[2] = uint[2](s1 & 0x3F3F3F3Fu, ((s2 >> 4) & 0x0F0F0F0Fu) | ((s1 >> 2) & 0x30303030u));
    float s = 0.0;
    float m = 0.0;
    [[unroll]] for (uint sub = 0u; sub < 8u; ++sub) {
        const uint g = sub >> 1;
        const uint h = sub & 1u;
        float q = 0.0;
        [[unroll]] for (uint k = 0u; k < 8u; ++k) {
            const uint w = wv[QS_WORD + 2u * g + (k >> 2)][k & 3u];
            uint n = (w >> (4u * h)) & 0x0F0F0F0Fu;
#if defined(TYPE_Q5_K)
            n |= ((wv[1u + (k >> 2)][k & 3u] >> (2u * g + h)) & 0x01010101u) << 4;
#endif
            q += dotBytes(n, 32u * sub + 4u * k);
        }
        s += byteOf(scales[sub >> 2], sub & 3u) * q;
        m += byteOf(mins[sub >> 2], sub & 3u) * (xsum[2u * sub] + xsum[2u * sub + 1u]);
    }
    return dm.x * s - dm.y * m;
}
#endif

#ifdef DEQUANT_CHUNKS
// Chunk c is half h = c & 1 of super-block c / 2: units 4h..4h+3, groups 2h and 2h+1, whose 64 qs
// bytes are contiguous; the block's head (d, dmin, 12 scale bytes) is loaded once per chunk. Q5_K
// adds the block's 32 qh bytes (bit 4h + u of each for unit u).
struct Chunk {
    vec2 dm;
    uint scales;  // the half's 4 six-bit scales, a byte each
    uint mins;    // and mins
    uint qs[16];
#if defined(TYPE_Q5_K)
    uint qh[8];   // shifted right by 4h: bit u of each byte for unit u
#endif
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    const uint bb = rowByte + (c >> 1) * BLOCK_BYTES;
    const uint h = c & 1u;
    uint head[4];
    LOAD_TEXELS(head, bb, 4u);
    LOAD_TEXELS(k.qs, bb + K4_OFF_QS + 64u * h, 16u);
#if defined(TYPE_Q5_K)
    LOAD_TEXELS(k.qh, bb + Q5_K_OFF_QH, 8u);
    [[unroll]] for (uint i = 0u; i < 8u; ++i)
        k.qh[i] >>= 4u * h;
#endif
    k.dm = unpackHalf2x16(head[0]);
    // ggml's get_scale_min_k4 for j = 4h..4h+3, four bytes at a time: j < 4 takes the low 6 bits of
    // scale bytes j and j + 4; j >= 4 a nibble of byte j + 4 and the top 2 bits of bytes j - 4 and j.
    k.scales = h == 0u ? head[1] & 0x3F3F3F3Fu
                       : (head[3] & 0x0F0F0F0Fu) | ((head[1] >> 2) & 0x30303030u);
    k.mins = h == 0u ? head[2] & 0x3F3F3F3Fu
                     : ((head[3] >> 4) & 0x0F0F0F0Fu) | ((head[2] >> 2) & 0x30303030u);
}

// Unit u: the low (u even) or high nibbles of the half's group u / 2.
void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    const float scale = k.dm.x * float((k.scales >> (8u * u)) & 0xFFu);
    const float minv = k.dm.y * float((k.mins >> (8u * u)) & 0xFFu);
    [[unroll]] for (uint i = 0u; i < 8u; ++i) {
        vec4 q = nibbles(k.qs[8u * (u >> 1) + i], 4u * (u & 1u));
#if defined(TYPE_Q5_K)
        const uint hb = k.qh[i] >> u;
        q += 16.0 * vec4(hb & 1u, (hb >> 8) & 1u, (hb >> 16) & 1u, (hb >> 24) & 1u);
#endif
        w[i] = q * scale - minv;
    }
}
#endif
