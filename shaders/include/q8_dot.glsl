// Packed 4 x 8-bit integer dot products, for the weight side of mul_mat_vec_q8.comp, which each format
// provides under DEQUANT_Q8 (dequant.glsl includes this file first): a "chunk" of a row — the run of
// weights whose bytes one thread loads whole — and its dot product with the matching int8 activation
// units (q8_activations.glsl), one dot4 per 4 weights; the weight scales and offsets are applied once
// per unit or half-unit, in float.
//   Q8_CHUNK_UNITS                     32-element units per chunk (1 or 2)
//   uint q8ChunkUnit(uint c, uint k)   the row's unit index of unit k of chunk c
//   float q8ChunkDot(uint rowByte, uint c, uvec4 xq[2 * Q8_CHUNK_UNITS], vec2 xd[Q8_CHUNK_UNITS])
//     xq: the units' 32 bytes each (two uvec4), xd: their (d, d * sum(q))
#ifndef Q8_DOT_GLSL
#define Q8_DOT_GLSL

#extension GL_EXT_spirv_intrinsics : require

// OpSDotKHR (SPV_KHR_integer_dot_product) on packed 4 x 8-bit signed vectors: glslc 2023.2 has no
// GL_EXT_integer_dot_product, so it is declared as an intrinsic (capabilities DotProduct = 6019,
// DotProductInput4x8BitPacked = 6018; format 0 = PackedVectorFormat4x8Bit).
spirv_instruction(extensions = ["SPV_KHR_integer_dot_product"], capabilities = [6019, 6018], id = 4450)
int dotPacked4x8(int a, int b, spirv_literal int packedFormat);

int dot4(uint a, uint b) { return dotPacked4x8(int(a), int(b), 0); }

// Word i (0-7) of a unit held in two uvec4.
#define XWORD(xq, first, i) xq[(first) + ((i) >> 2)][(i) & 3u]

#endif
