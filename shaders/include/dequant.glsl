// Dequantization of the weight type chosen by the TYPE_* define: one include per block format in
// dequant/ (q4_0.glsl, q6_k.glsl, ...), each holding every way the shaders read that format. The
// including shader says how it reads the weights, and gets the matching forms:
//   WEIGHTS (a macro naming a `uint[]` storage array; optionally WEIGHTS4, a `uvec4[]` view of it):
//     vec4 dequantQuad(uint blockByte, uint quad)   elements 4*quad .. 4*quad+3 of the block
//     uint quadBlockByte(uint rowByte, uint quad)   the block holding quad `quad` of a row
//     void dequantUnit(uint rowByte, uint unit, out vec4 v[8])   elements 32*unit .. 32*unit+31
//     float dotUnit(uint rowByte, uint unit, vec4 x[8], vec2 xHalfSums)
//       the unit's dot product with x, given the sums of x's halves: each unit's scale and offset
//       (unitParts: element 4i+k = q[i][k] * f[h] - f[2 + h], h the half) applied once per half
//   DEQUANT_Q8 (with WEIGHTS4; mul_mat_vec_q8): the weight side of packed int8 dot products, per
//     "chunk" of a row (q8_dot.glsl): Q8_CHUNK_UNITS, q8ChunkUnit(c, k), q8ChunkDot(rowByte, c, xq, xd)
//   DEQUANT_RUNS (the shader defines `uvec4 weightWord(uint i)`; mul_mat_vec_cpu): rows read in runs
//     of 16-byte words (dequant/runs.glsl): RUN_ELEMS, RUN_VEC4, RUN_CHUNKS, xs, xsum,
//     float chunkDot(uint v, uint c)   chunk c (256 elements) of the run at word v, times xs
//   DEQUANT_CHUNKS (`weights`, a usamplerBuffer; mul_mat_cpu): 128-element chunks fetched as texels:
//     struct Chunk, loadChunk(rowByte, c, k), chunkUnit(k, u, w[8])
// And for every form: BLOCK_ELEMS, BLOCK_BYTES, QUADS_PER_BLOCK.
#ifndef DEQUANT_GLSL
#define DEQUANT_GLSL

#include "gguf_blocks.glsl"
#include "dequant/bits.glsl"
#ifdef WEIGHTS
#include "dequant/words.glsl"
#endif
#ifdef DEQUANT_Q8
#include "q8_dot.glsl"
#endif
#ifdef DEQUANT_CHUNKS
#include "dequant/texels.glsl"
#endif

#if defined(TYPE_F32)
#include "dequant/f32.glsl"
#elif defined(TYPE_F16)
#include "dequant/f16.glsl"
#elif defined(TYPE_BF16)
#include "dequant/bf16.glsl"
#elif defined(TYPE_Q4_0)
#include "dequant/q4_0.glsl"
#elif defined(TYPE_Q8_0)
#include "dequant/q8_0.glsl"
#elif defined(TYPE_Q4_K)
#include "dequant/q4_k.glsl"
#elif defined(TYPE_Q5_K)
#include "dequant/q5_k.glsl"
#elif defined(TYPE_Q6_K)
#include "dequant/q6_k.glsl"
#elif defined(TYPE_Q4_1)
#include "dequant/q4_1.glsl"
#elif defined(TYPE_Q5_0)
#include "dequant/q5_0.glsl"
#elif defined(TYPE_Q5_1)
#include "dequant/q5_1.glsl"
#elif defined(TYPE_IQ4_NL)
#include "dequant/iq4_nl.glsl"
#elif defined(TYPE_IQ4_XS)
#include "dequant/iq4_xs.glsl"
#elif defined(TYPE_Q2_K)
#include "dequant/q2_k.glsl"
#elif defined(TYPE_Q3_K)
#include "dequant/q3_k.glsl"
#elif defined(TYPE_IQ3_S)
#include "dequant/iq3_s.glsl"
#else
#error "define one TYPE_*"
#endif

#define QUADS_PER_BLOCK (BLOCK_ELEMS / 4)

#ifdef WEIGHTS
uint quadBlockByte(uint rowByte, uint quad) { return rowByte + (quad / QUADS_PER_BLOCK) * BLOCK_BYTES; }

void dequantUnit(uint rowByte, uint unit, out vec4 v[8])
{
    vec4 q[8];
    vec4 f;
    unitParts(rowByte, unit, q, f);
    for (uint i = 0u; i < 8u; ++i)
        v[i] = q[i] * f[i >> 2] - f[2u + (i >> 2)];
}

float dotUnit(uint rowByte, uint unit, vec4 x[8], vec2 xHalfSums)
{
    vec4 q[8];
    vec4 f;
    unitParts(rowByte, unit, q, f);
    float lo = 0.0;
    float hi = 0.0;
    for (uint i = 0u; i < 4u; ++i) {
        lo += dot(q[i], x[i]);
        hi += dot(q[i + 4u], x[i + 4u]);
    }
    return f.x * lo + f.y * hi - f.z * xHalfSums.x - f.w * xHalfSums.y;
}
#endif

#endif
