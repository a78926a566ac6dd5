// Dequantization of one "quad" (4 consecutive elements of a row, which always share one scale) for the
// weight type chosen by the TYPE_* define (weight_type.glsl). The including shader declares the weight
// buffer as `uint WEIGHTS[]` (a macro naming the array) before including this file.
//
// Provides weight_type.glsl's definitions and
//   vec4 dequantQuad(uint blockByte, uint quad)   // elements 4*quad .. 4*quad+3 of the block
#ifndef DEQUANT_GLSL
#define DEQUANT_GLSL

#include "weight_type.glsl"

// Byte-addressed reads from the word array. Blocks of Q4_0 (18 B), Q8_0 (34 B) and Q6_K (210 B) are
// only 2-byte aligned, so 32-bit reads at 2-aligned offsets join two words (weight buffers are padded
// by 16 bytes so the second word always exists).
uint loadU8(uint byteOff) { return (WEIGHTS[byteOff >> 2] >> ((byteOff & 3u) * 8u)) & 0xFFu; }
uint loadU16(uint byteOff) { return (WEIGHTS[byteOff >> 2] >> ((byteOff & 2u) * 8u)) & 0xFFFFu; }
uint loadU32(uint byteOff)
{
    const uint w = byteOff >> 2;
    const uint s = (byteOff & 2u) * 8u;
    // (x << 1) << (31 - s) is x << 16 when s = 16 and 0 when s = 0 (a shift by 32 is undefined).
    return (WEIGHTS[w] >> s) | ((WEIGHTS[w + 1u] << 1u) << (31u - s));
}
float loadF16(uint byteOff) { return unpackHalf2x16(loadU16(byteOff)).x; }

// 6-bit scale and min number j of a Q4_K/Q5_K block (ggml's get_scale_min_k4).
vec2 scaleMinK4(uint scalesByte, uint j)
{
    if (j < 4u)
        return vec2(loadU8(scalesByte + j) & 63u, loadU8(scalesByte + j + 4u) & 63u);
    const uint a = loadU8(scalesByte + j + 4u);
    const uint lo = loadU8(scalesByte + j - 4u);
    const uint hi = loadU8(scalesByte + j);
    return vec2((a & 0xFu) | ((lo >> 6) << 4), (a >> 4) | ((hi >> 6) << 4));
}

#if defined(TYPE_F32)
vec4 dequantQuad(uint bb, uint quad)
{
    const uint w = bb >> 2;
    return uintBitsToFloat(uvec4(WEIGHTS[w], WEIGHTS[w + 1u], WEIGHTS[w + 2u], WEIGHTS[w + 3u]));
}

#elif defined(TYPE_F16)
vec4 dequantQuad(uint bb, uint quad)
{
    const uint w = bb >> 2;
    return vec4(unpackHalf2x16(WEIGHTS[w]), unpackHalf2x16(WEIGHTS[w + 1u]));
}

#elif defined(TYPE_BF16)
vec4 dequantQuad(uint bb, uint quad)
{
    const uint w = bb >> 2;
    const uint a = WEIGHTS[w];
    const uint b = WEIGHTS[w + 1u];
    return uintBitsToFloat(uvec4(a << 16, a & 0xFFFF0000u, b << 16, b & 0xFFFF0000u));
}

#elif defined(TYPE_Q4_0)
// Quads 0-3: low nibbles of qs word 0-3 (elements 0-15); quads 4-7: high nibbles (elements 16-31).
vec4 dequantQuad(uint bb, uint quad)
{
    const float d = loadF16(bb + Q4_0_OFF_D);
    const uint word = loadU32(bb + Q4_0_OFF_QS + 4u * (quad & 3u));
    return (nibbles(word, (quad >> 2) * 4u) - 8.0) * d;
}

#elif defined(TYPE_Q8_0)
vec4 dequantQuad(uint bb, uint quad)
{
    const float d = loadF16(bb + Q8_0_OFF_D);
    return signedBytes(loadU32(bb + Q8_0_OFF_QS + 4u * quad)) * d;
}

#elif defined(TYPE_Q4_K)
// Four groups of 64 elements; group j's 32 qs bytes hold elements 64j..64j+31 in their low nibbles
// (scale 2j) and 64j+32..64j+63 in their high nibbles (scale 2j+1).
vec4 dequantQuad(uint bb, uint quad)
{
    const uint j = quad >> 4;
    const uint hi = (quad >> 3) & 1u;
    const uint m = quad & 7u;
    const vec2 dm = unpackHalf2x16(WEIGHTS[bb >> 2]);
    const vec2 sm = scaleMinK4(bb + Q4_K_OFF_SCALES, 2u * j + hi);
    const uint word = WEIGHTS[(bb + Q4_K_OFF_QS + 32u * j + 4u * m) >> 2];
    return nibbles(word, hi * 4u) * (dm.x * sm.x) - dm.y * sm.y;
}

#elif defined(TYPE_Q5_K)
// As Q4_K, plus a fifth bit per element: bit (2j + hi) of qh[l] for element 64j + 32hi + l.
vec4 dequantQuad(uint bb, uint quad)
{
    const uint j = quad >> 4;
    const uint hi = (quad >> 3) & 1u;
    const uint m = quad & 7u;
    const vec2 dm = unpackHalf2x16(WEIGHTS[bb >> 2]);
    const vec2 sm = scaleMinK4(bb + Q5_K_OFF_SCALES, 2u * j + hi);
    const uint word = WEIGHTS[(bb + Q5_K_OFF_QS + 32u * j + 4u * m) >> 2];
    const uint high = WEIGHTS[(bb + Q5_K_OFF_QH + 4u * m) >> 2] >> (2u * j + hi);
    const vec4 h = vec4(high & 1u, (high >> 8) & 1u, (high >> 16) & 1u, (high >> 24) & 1u);
    return (nibbles(word, hi * 4u) + 16.0 * h) * (dm.x * sm.x) - dm.y * sm.y;
}

#elif defined(TYPE_Q6_K)
// Two halves of 128 elements; in half h, quarter c (32 elements) takes its low 4 bits from
// ql[64h + l + 32(c&1)] (nibble c>>1) and its high 2 bits from qh[32h + l] bits 2c..2c+1, with scale
// scales[8h + l/16 + 2c].
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

#endif

// Byte offset of the block holding quad `quad` of a row starting at `rowByte`, and the quad within it.
uint quadBlockByte(uint rowByte, uint quad) { return rowByte + (quad / QUADS_PER_BLOCK) * BLOCK_BYTES; }

#endif
