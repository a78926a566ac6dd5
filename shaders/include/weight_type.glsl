// The block of the weight type chosen by the TYPE_* define, and the bit helpers every decoder of it
// uses. Reads no buffer: the including shader decides how weights are read (dequant.glsl from a word
// array, mul_mat_cpu_chunk.glsl from texels).
// Provides: BLOCK_ELEMS, BLOCK_BYTES, QUADS_PER_BLOCK, K4_OFF_QS (Q4_K, Q5_K) and
//   vec4 nibbles(uint word, uint shift)   // the nibble at `shift` of each of the word's 4 bytes
//   vec4 signedBytes(uint word)           // its 4 bytes as int8
//   uint funnel(uint lo, uint hi, uint s) // the word s bits into the pair (lo, hi), s = 0 or 16
#ifndef WEIGHT_TYPE_GLSL
#define WEIGHT_TYPE_GLSL

#include "gguf_blocks.glsl"

#if defined(TYPE_F32)
#define BLOCK_ELEMS F32_BLOCK_ELEMS
#define BLOCK_BYTES F32_BLOCK_BYTES
#elif defined(TYPE_F16) || defined(TYPE_BF16)
#define BLOCK_ELEMS F16_BLOCK_ELEMS
#define BLOCK_BYTES F16_BLOCK_BYTES
#elif defined(TYPE_Q4_0)
#define BLOCK_ELEMS Q4_0_BLOCK_ELEMS
#define BLOCK_BYTES Q4_0_BLOCK_BYTES
#elif defined(TYPE_Q8_0)
#define BLOCK_ELEMS Q8_0_BLOCK_ELEMS
#define BLOCK_BYTES Q8_0_BLOCK_BYTES
#elif defined(TYPE_Q4_K)
#define BLOCK_ELEMS Q4_K_BLOCK_ELEMS
#define BLOCK_BYTES Q4_K_BLOCK_BYTES
#define K4_OFF_QS Q4_K_OFF_QS  // where the 4-bit parts start, for code shared with Q5_K
#elif defined(TYPE_Q5_K)
#define BLOCK_ELEMS Q5_K_BLOCK_ELEMS
#define BLOCK_BYTES Q5_K_BLOCK_BYTES
#define K4_OFF_QS Q5_K_OFF_QS
#elif defined(TYPE_Q6_K)
#define BLOCK_ELEMS Q6_K_BLOCK_ELEMS
#define BLOCK_BYTES Q6_K_BLOCK_BYTES
#else
#error "define one TYPE_*"
#endif

#define QUADS_PER_BLOCK (BLOCK_ELEMS / 4)

vec4 nibbles(uint word, uint shift)
{
    return vec4((word >> shift) & 0xFu, (word >> (shift + 8u)) & 0xFu, (word >> (shift + 16u)) & 0xFu,
                (word >> (shift + 24u)) & 0xFu);
}
vec4 signedBytes(uint word)
{
    return vec4(int(word << 24) >> 24, int(word << 16) >> 24, int(word << 8) >> 24, int(word) >> 24);
}

// Word i of the bytes starting at a 2-aligned offset, given the aligned words around it.
uint funnel(uint lo, uint hi, uint s) { return (lo >> s) | ((hi << 1u) << (31u - s)); }

#endif
