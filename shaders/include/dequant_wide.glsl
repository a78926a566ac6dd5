// Dot products of weight rows with activations for the CPU-device mat-vec (mul_mat_vec_cpu.comp),
// reading the weights in 16-byte words (uvec4): lavapipe pays per load instruction, nearly whatever
// its width. A row is read in "runs", the fewest whole blocks that fill a multiple of 16 bytes
// (8 Q4_0 blocks = 144 bytes), and the fields are pulled out of the loaded words with shifts that
// unrolling makes constant.
//
// The including shader defines `uvec4 weightWord(uint i)` (16-byte word i of the weights), includes
// this file, and fills xs and xsum with a run's activations.
// Provides, for the TYPE_* define:
//   RUN_ELEMS, RUN_VEC4       elements and 16-byte words in a run
//   float runDot(uint v)      dot(the run starting at word v, xs)
// Quantized blocks use the identity sum(d (q - o) x) = d (sum(q x) - o sum(x)), so the offset costs
// one multiply-add per 16 or 32 elements instead of a subtraction per element.
#ifndef DEQUANT_WIDE_GLSL
#define DEQUANT_WIDE_GLSL

#include "gguf_blocks.glsl"

// Per type: RUN_ELEMS and RUN_VEC4, the elements and 16-byte words of a run; WV_COUNT, the words
// one chunkDot() holds (the run's, or one Q6_K block's).
#if defined(TYPE_Q6_K)
#define RUN_ELEMS 2048u
#define RUN_VEC4 105u
#define WV_COUNT 14
#elif defined(TYPE_F32)
#define RUN_ELEMS 256u
#define RUN_VEC4 64u
#define WV_COUNT 64
#elif defined(TYPE_F16) || defined(TYPE_BF16)
#define RUN_ELEMS 256u
#define RUN_VEC4 32u
#define WV_COUNT 32
#elif defined(TYPE_Q8_0)
#define RUN_ELEMS 256u
#define RUN_VEC4 17u
#define WV_COUNT 17
#elif defined(TYPE_Q5_K)
#define RUN_ELEMS 256u
#define RUN_VEC4 11u
#define WV_COUNT 11
#else  // Q4_0, Q4_K
#define RUN_ELEMS 256u
#define RUN_VEC4 9u
#define WV_COUNT 9
#endif
#define CHUNKS (RUN_ELEMS / 256u)

// The run's activations (the same for every lane) and their sums per 16, filled by the shader.
vec4 xs[RUN_ELEMS / 4u];
float xsum[RUN_ELEMS / 16u];

// The words being decoded; indexed only by constants after unrolling, so they stay in registers.
uvec4 wv[WV_COUNT];

void loadWords(uint v, uint count)
{
    [[unroll]] for (uint i = 0u; i < count; ++i)
        wv[i] = weightWord(v + i);
}

// The 32-bit word at a constant even byte offset of wv (blocks of 18, 34 and 210 bytes are only
// 2-byte aligned).
uint wordAt(uint byteOff)
{
    // A select, not an early return: glslc's optimizer crashes on the branch in unrolled loops.
    const uint next = byteOff + 2u;
    const uint lo = wv[byteOff >> 4][(byteOff >> 2) & 3u];
    const uint hi = wv[next >> 4][(next >> 2) & 3u];
    return (byteOff & 2u) == 0u ? lo : (lo >> 16) | (hi << 16);
}

float halfAt(uint byteOff)
{
    const uint w = wv[byteOff >> 4][(byteOff >> 2) & 3u];
    return unpackHalf2x16((byteOff & 2u) == 0u ? w : w >> 16).x;
}

// Byte i of a word, as a float (a signed conversion: one instruction, unlike the unsigned one).
float byteOf(uint word, uint i) { return float(int((word >> (8u * i)) & 0xFFu)); }
float nibbleOf(uint word, uint i) { return float(int((word >> (4u * i)) & 0xFu)); }

// sum over the 4 bytes of `word` (elements e..e+3 of xs) of byte * x.
float dotBytes(uint word, uint e)
{
    const vec4 xv = xs[e >> 2];
    return byteOf(word, 0u) * xv.x + byteOf(word, 1u) * xv.y + byteOf(word, 2u) * xv.z + float(int(word >> 24)) * xv.w;
}
float dotSignedBytes(uint word, uint e)
{
    const vec4 xv = xs[e >> 2];
    return float(int(word << 24) >> 24) * xv.x + float(int(word << 16) >> 24) * xv.y +
           float(int(word << 8) >> 24) * xv.z + float(int(word) >> 24) * xv.w;
}
// Low (hi = 0) or high nibbles of the 4 bytes of `word`, times elements e..e+3.
float dotNibbles(uint word, uint hi, uint e)
{
    return dotBytes((word >> (4u * hi)) & 0x0F0F0F0Fu, e);
}

// chunkDot(v, c): dot(chunk c, 256 elements, of the run at word v; xs); c is constant once unrolled.
#if defined(TYPE_F32)
float chunkDot(uint v, uint c)
{
    loadWords(v, 64u);
    float s = 0.0;
    [[unroll]] for (uint i = 0u; i < 64u; ++i)
        s += dot(uintBitsToFloat(wv[i]), xs[i]);
    return s;
}

#elif defined(TYPE_F16) || defined(TYPE_BF16)
float chunkDot(uint v, uint c)
{
    loadWords(v, 32u);
    float s = 0.0;
    [[unroll]] for (uint i = 0u; i < 32u; ++i) {
        const uvec4 w = wv[i];
#if defined(TYPE_F16)
        const vec4 a = vec4(unpackHalf2x16(w.x), unpackHalf2x16(w.y));
        const vec4 b = vec4(unpackHalf2x16(w.z), unpackHalf2x16(w.w));
#else
        const vec4 a = uintBitsToFloat(uvec4(w.x << 16, w.x & 0xFFFF0000u, w.y << 16, w.y & 0xFFFF0000u));
        const vec4 b = uintBitsToFloat(uvec4(w.z << 16, w.z & 0xFFFF0000u, w.w << 16, w.w & 0xFFFF0000u));
#endif
        s += dot(a, xs[2u * i]) + dot(b, xs[2u * i + 1u]);
    }
    return s;
}

#elif defined(TYPE_Q4_0)
// 8 blocks of 18 bytes = 144 bytes = 9 words. Element l of a block: low nibble of qs[l] (l < 16),
// high nibble of qs[l - 16].
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

#elif defined(TYPE_Q8_0)
// 8 blocks of 34 bytes = 272 bytes = 17 words.
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

#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
// One block: word 0 holds d, dmin and the 12 scale bytes. Group g (64 elements) takes the low
// nibbles of qs[32g .. 32g+31] (sub-block 2g) and then their high nibbles (sub-block 2g+1); Q5_K adds
// bit 2g+h of qh[l] as the fifth bit of element 64g + 32h + l.
#if defined(TYPE_Q4_K)
#define QS_WORD 1u
#else
#define QS_WORD 3u
#endif
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

#elif defined(TYPE_Q6_K)
// A run is 8 blocks of 210 bytes (1680 bytes = 105 words); chunk c is block c, at byte 210c of the
// run, which is 2c mod 16 bytes into word 210c / 16: its 14 words are loaded and read at constant
// offsets. In half n of the block (128 elements), element 128n + 32k + l (k < 4, l < 32) takes its
// low 4 bits from ql[64n + l + 32(k&1)] (nibble k>>1), its high 2 bits from bits 2k of qh[32n + l],
// and scale scales[8n + 2k + l/16].
float chunkDot(uint v, uint c)
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
#endif

float runDot(uint v)
{
    float s = 0.0;
    [[unroll]] for (uint c = 0u; c < CHUNKS; ++c)
        s += chunkDot(v, c);
    return s;
}

#endif
