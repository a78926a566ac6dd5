// Q6_K weights: struct BlockQ6_K { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; f16 d; },
// weight = d scale (q - 32). Two halves of 128 elements; in half h, quarter c (32 elements) takes its
// low 4 bits from ql[64h + l + 32(c&1)] (nibble c>>1) and its high 2 bits from qh[32h + l] bits
// 2c..2c+1, with scale scales[8h + l/16 + 2c]. Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS Q6_K_BLOCK_ELEMS
#define BLOCK_BYTES Q6_K_BLOCK_BYTES

#ifdef WEIGHTS
vec4 dequantQuad(uint bb, uint quad)
{
    const uint h = quad >> 5;
    const uint r = (quad & 31u) * 4u;
    const uint c = r >> 5;
    const uint l = r & 31u;
    const uint lo = loadU32(bb + Q6_K_OFF_QL + 64u * h + l + 32u * (c & 1u));
    const uint hq = loadU32(bb + Q6_K_OFF_QH + 32u * h + l) >> (2u * c);
    const uint shift = (c >> 1) * 4u;
    const uvec4 q = uvec4(((lo >> shift) & 0xFu) | ((hq & 3u) << 4),
                          ((lo >> (shift + 8u)) & 0xFu) | (((hq >> 8) & 3u) << 4),
                          ((lo >> (shift + 16u)) & 0xFu) | (((hq >> 16) & 3u) << 4),
                          ((lo >> (shift + 24u)) & 0xFu) | (((hq >> 24) & 3u) << 4));
    const float scale = float(int(loadU8(bb + Q6_K_OFF_SCALES + 8u * h + (l >> 4) + 2u * c) << 24) >> 24);
    return (vec4(q) - 32.0) * (loadF16(bb + Q6_K_OFF_D) * scale);
}

// Unit s of a block: half h = s/4, quarter c = s%4: 32 low-bit bytes, 32 high-bit bytes, two scales
// (elements 0-15 and 16-31).
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + (unit >> 3) * Q6_K_BLOCK_BYTES;
    const uint s = unit & 7u;
    const uint h = s >> 2;
    const uint c = s & 3u;
    uint lo[8];
    uint hq[8];
    LOAD_FUNNEL(lo, bb + Q6_K_OFF_QL + 64u * h + 32u * (c & 1u), 8u);
    LOAD_FUNNEL(hq, bb + Q6_K_OFF_QH + 32u * h, 8u);
    const float d = loadF16(bb + Q6_K_OFF_D);
    const uint scOff = bb + Q6_K_OFF_SCALES + 8u * h + 2u * c;
    const float s0 = d * float(int(loadU8(scOff) << 24) >> 24);
    const float s1 = d * float(int(loadU8(scOff + 1u) << 24) >> 24);
    const uint shift = (c >> 1) * 4u;
    for (uint i = 0u; i < 8u; ++i) {
        const uint l4 = (lo[i] >> shift) & 0x0F0F0F0Fu;
        const uint h2 = ((hq[i] >> (2u * c)) & 0x03030303u) << 4;
        const uint b = l4 | h2;
        q[i] = vec4(b & 0xFFu, (b >> 8) & 0xFFu, (b >> 16) & 0xFFu, b >> 24);
    }
    f = vec4(s0, s1, 32.0 * s0, 32.0 * s1);
}
#endif

#ifdef DEQUANT_Q8
// Chunk c: in half h = (c / 2) % 2 of block c / 4, units 4h + e and 4h + e + 2 (e = c % 2): the low and
// high nibbles of the same 32 ql bytes, with 2 bits each from the half's 32 qh bytes. Each unit has
// two scales (elements 0-15, 16-31). Weight = d scale (q - 32), with q - 32 formed as a signed byte.
#define Q8_CHUNK_UNITS 2
uint q8ChunkUnit(uint c, uint k) { return 4u * (c >> 1) + (c & 1u) + 2u * k; }

// Four 6-bit values (4 bits of lo at loShift, 2 of hi at hiShift) minus 32, as signed bytes: flipping
// bit 5 gives q - 32 in 6-bit two's complement, then bit 5 is copied into bits 6 and 7.
uint q6Bytes(uint lo, uint hi, uint loShift, uint hiShift)
{
    const uint v = (((lo >> loShift) & 0x0F0F0F0Fu) | (((hi >> hiShift) & 0x03030303u) << 4)) ^ 0x20202020u;
    const uint sign = v & 0x20202020u;
    return v | (sign << 1) | (sign << 2);
}

int signedByte(uint word, uint k) { return int(word << (24u - 8u * k)) >> 24; }

float q8ChunkDot(uint rowByte, uint c, uvec4 xq[4], vec2 xd[2])
{
    const uint bb = rowByte + (c >> 2) * Q6_K_BLOCK_BYTES;
    const uint h = (c >> 1) & 1u;
    const uint e = c & 1u;
    uint ql[8];
    uint qh[8];
    LOAD_FUNNEL(ql, bb + Q6_K_OFF_QL + 64u * h + 32u * e, 8u);
    LOAD_FUNNEL(qh, bb + Q6_K_OFF_QH + 32u * h, 8u);
    // Scales of unit 4h + e at byte 8h + 2e (two), of unit 4h + e + 2 four bytes on.
    const uint scales = loadU32(bb + Q6_K_OFF_SCALES + 8u * h + 2u * e);
    const uint scalesHi = loadU16(bb + Q6_K_OFF_SCALES + 8u * h + 2u * e + 4u);
    int lo[2] = int[2](0, 0);
    int hi[2] = int[2](0, 0);
    for (uint i = 0u; i < 8u; ++i) {
        lo[i >> 2] += dot4(q6Bytes(ql[i], qh[i], 0u, 2u * e), XWORD(xq, 0u, i));
        hi[i >> 2] += dot4(q6Bytes(ql[i], qh[i], 4u, 2u * e + 4u), XWORD(xq, 2u, i));
    }
    const int sumLo = signedByte(scales, 0u) * lo[0] + signedByte(scales, 1u) * lo[1];
    const int sumHi = signedByte(scalesHi, 0u) * hi[0] + signedByte(scalesHi, 1u) * hi[1];
    return loadF16(bb + Q6_K_OFF_D) * (xd[0].x * float(sumLo) + xd[1].x * float(sumHi));
}
#endif

#ifdef DEQUANT_RUNS
// A run is 8 blocks of 210 bytes (1680 bytes = 105 words); block c is at byte 210c of the
// run, which is 2c mod 16 bytes into word 210c / 16: its 14 words are loaded and read at constant
// offsets. In half n of the block (128 elements), element 128n + 32k + l (k < 4, l < 32) takes its
// low 4 bits from ql[64n + l + 32(k&1)] (nibble k>>1), its high 2 bits from bits 2k of qh[32n + l],
// and scale scales[8n + 2k + l/16].
// The whole run is one chunk of activations (CHUNK_ELEMS): decoding the blocks one at a time in a
// loop, each first moved to word alignment, compiled in ~3 s instead of ~60 s on lavapipe but ran
// 30-40% slower (hearth-vk-opbench matvec q6_k 8192 2048), so the 8 block bodies stay unrolled.
#define RUN_ELEMS 2048u
#define CHUNK_ELEMS 2048u
#define RUN_VEC4 105u
#define WV_COUNT 14
#include "dequant/runs.glsl"

float blockDot(uint v, uint c)
{
    const uint first = (c * Q6_K_BLOCK_BYTES) >> 4;
    loadWords(v + first, 14u);
    const uint o = c * Q6_K_BLOCK_BYTES - 16u * first;
    float s = 0.0;
    [[unroll]] for (uint n = 0u; n < 2u; ++n) {
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const uint sc = wordAt(o + Q6_K_OFF_SCALES + 8u * n + 2u * k) & 0xFFFFu;
            [[unroll]] for (uint half16 = 0u; half16 < 2u; ++half16) {
                float q = 0.0;
                [[unroll]] for (uint j = 0u; j < 4u; ++j) {
                    const uint l = 16u * half16 + 4u * j;
                    const uint lo = (wordAt(o + Q6_K_OFF_QL + 64u * n + l + 32u * (k & 1u)) >> (4u * (k >> 1))) & 0x0F0F0F0Fu;
                    const uint hi = (wordAt(o + Q6_K_OFF_QH + 32u * n + l) >> (2u * k)) & 0x03030303u;
                    q += dotBytes(lo | (hi << 4), 256u * c + 128u * n + 32u * k + l);
                }
                const float scale = float(int(sc << (24u - 8u * half16)) >> 24);
                s += scale * (q - 32.0 * xsum[16u * c + 8u * n + 2u * k + half16]);
            }
        }
    }
    return halfAt(o + Q6_K_OFF_D) * s;
}

float chunkDot(uint v, uint chunk)
{
    float s = 0.0;
    [[unroll]] for (uint c = 0u; c < 8u; ++c)
        s += blockDot(v, c);
    return s;
}
#endif

#ifdef DEQUANT_CHUNKS
// Chunk c is half h = c & 1 of a (2-aligned) super-block: its 64 ql bytes, 32 qh bytes and 8 scales,
// and the block's d; unit u is quarter u of the half.
struct Chunk {
    uint ql[16];
    uint qh[8];
    uvec2 scales;  // 8 signed bytes
    float d;
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    const uint bb = rowByte + (c >> 1) * Q6_K_BLOCK_BYTES;
    const uint h = c & 1u;
    LOAD_UNALIGNED(k.ql, bb + Q6_K_OFF_QL + 64u * h, 16u);
    LOAD_UNALIGNED(k.qh, bb + Q6_K_OFF_QH + 32u * h, 8u);
    uint scales[2];
    LOAD_UNALIGNED(scales, bb + Q6_K_OFF_SCALES + 8u * h, 2u);
    k.scales = uvec2(scales[0], scales[1]);
    uint d[1];
    LOAD_UNALIGNED(d, bb + Q6_K_OFF_D, 1u);
    k.d = unpackHalf2x16(d[0]).x;
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    // Scales 2u (elements 0-15) and 2u + 1 (16-31) of the half, signed bytes. (A select: indexing a
    // uint[2] member, k.scales[u >> 1], gave wrong products on lavapipe 22.3.)
    const uint sc = ((u >> 1) == 0u ? k.scales.x : k.scales.y) >> (16u * (u & 1u));
    const float s0 = k.d * float(int(sc << 24) >> 24);
    const float s1 = k.d * float(int(sc << 16) >> 24);
    const uint shift = (u >> 1) * 4u;
    [[unroll]] for (uint i = 0u; i < 8u; ++i) {
        const uint l4 = (k.ql[8u * (u & 1u) + i] >> shift) & 0x0F0F0F0Fu;
        const uint h2 = ((k.qh[i] >> (2u * u)) & 0x03030303u) << 4;
        const uint b = l4 | h2;
        const float s = i < 4u ? s0 : s1;
        w[i] = vec4(b & 0xFFu, (b >> 8) & 0xFFu, (b >> 16) & 0xFFu, b >> 24) * s - 32.0 * s;
    }
}
#endif
