// The weight side of mul_mat_vec_q8.comp: for each weight type, a "chunk" of a row — the run of
// weights whose bytes one thread loads whole — and its dot product with the matching int8
// activation units (q8_activations.glsl), as packed 4 x 8-bit integer dot products (one per 4
// weights); the weight scales and offsets are applied once per unit or half-unit, in float.
//   CHUNK_UNITS                      32-element units per chunk (1 or 2)
//   uint chunkUnit(uint c, uint k)   the row's unit index of unit k of chunk c
//   float chunkDot(uint rowByte, uint c, uvec4 xq[2 * CHUNK_UNITS], vec2 xd[CHUNK_UNITS])
//     xq: the units' 32 bytes each (two uvec4), xd: their (d, d * sum(q))
// Include after dequant.glsl and dequant_unit.glsl (with WEIGHTS4 defined).
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

#if defined(TYPE_Q8_0) || defined(TYPE_Q4_0)
// Chunk c: block c, one unit: d, then Q8_0's 32 signed bytes or Q4_0's 32 nibbles (weight = d (q - 8),
// the -8 applied through the unit's d * sum(q)).
#define CHUNK_UNITS 1
uint chunkUnit(uint c, uint k) { return c; }
float chunkDot(uint rowByte, uint c, uvec4 xq[2], vec2 xd[1])
{
    const uint bb = rowByte + c * BLOCK_BYTES;
    int s = 0;
#if defined(TYPE_Q8_0)
    uint w[8];
    LOAD_FUNNEL(w, bb + Q8_0_OFF_QS, 8u);
    for (uint i = 0u; i < 8u; ++i)
        s += dot4(w[i], XWORD(xq, 0u, i));
    return loadF16(bb + Q8_0_OFF_D) * xd[0].x * float(s);
#else
    uint w[4];
    LOAD_FUNNEL(w, bb + Q4_0_OFF_QS, 4u);
    for (uint i = 0u; i < 4u; ++i)
        s += dot4(w[i] & 0x0F0F0F0Fu, xq[0][i]) + dot4((w[i] >> 4) & 0x0F0F0F0Fu, xq[1][i]);
    return loadF16(bb + Q4_0_OFF_D) * (xd[0].x * float(s) - 8.0 * xd[0].y);
#endif
}

#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
// Chunk c: units 2j and 2j + 1 of block c / 4 (j = c % 4), the low and high nibbles of the same 32 qs
// bytes: two uvec4 loads for 64 weights, plus the block's head (d, dmin, scales) in one more.
// Weight = d scale q - dmin min: the mins are applied through the units' d * sum(q).
#define CHUNK_UNITS 2
uint chunkUnit(uint c, uint k) { return 2u * c + k; }
float chunkDot(uint rowByte, uint c, uvec4 xq[4], vec2 xd[2])
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

#elif defined(TYPE_Q6_K)
// Chunk c: in half h = (c / 2) % 2 of block c / 4, units 4h + e and 4h + e + 2 (e = c % 2): the low and
// high nibbles of the same 32 ql bytes, with 2 bits each from the half's 32 qh bytes. Each unit has
// two scales (elements 0-15, 16-31). Weight = d scale (q - 32), with q - 32 formed as a signed byte.
#define CHUNK_UNITS 2
uint chunkUnit(uint c, uint k) { return 4u * (c >> 1) + (c & 1u) + 2u * k; }

// Four 6-bit values (4 bits of lo at loShift, 2 of hi at hiShift) minus 32, as signed bytes: flipping
// bit 5 gives q - 32 in 6-bit two's complement, then bit 5 is copied into bits 6 and 7.
uint q6Bytes(uint lo, uint hi, uint loShift, uint hiShift)
{
    const uint v = (((lo >> loShift) & 0x0F0F0F0Fu) | (((hi >> hiShift) & 0x03030303u) << 4)) ^ 0x20202020u;
    const uint sign = v & 0x20202020u;
    return v | (sign << 1) | (sign << 2);
}

int signedByte(uint word, uint k) { return int(word << (24u - 8u * k)) >> 24; }

float chunkDot(uint rowByte, uint c, uvec4 xq[4], vec2 xd[2])
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

#endif
