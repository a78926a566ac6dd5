// Dequantization of one "unit" of 32 consecutive elements of a row (for rows whose length is a
// multiple of 32): each type's natural run of weights sharing a scale, read with as few loads as the
// layout allows — the mat-vec shader's inner loop. Include after dequant.glsl.
// Each type provides its raw values and the affine map that turns them into weights:
//   void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
//     element 4i+k of the unit = q[i][k] * f[h] - f[2 + h], h = 0 for elements 0-15, 1 for 16-31
// and from it:
//   void dequantUnit(uint rowByte, uint unit, out vec4 v[8])   // elements 32*unit .. 32*unit+31
//   float dotUnit(uint rowByte, uint unit, vec4 x[8], vec2 xHalfSums)
//     the unit's dot product with x, given the sums of x's two halves: the scale and offset are applied
//     once per half instead of once per weight.
#ifndef DEQUANT_UNIT_GLSL
#define DEQUANT_UNIT_GLSL

// n (<= 9) words starting at 2-aligned byte offset b.
#define LOAD_FUNNEL(dst, b, n)                                          \
    {                                                                   \
        const uint w0_ = (b) >> 2;                                      \
        const uint s_ = ((b) & 2u) * 8u;                                \
        uint prev_ = WEIGHTS[w0_];                                      \
        for (uint i_ = 0u; i_ < (n); ++i_) {                            \
            const uint next_ = WEIGHTS[w0_ + i_ + 1u];                  \
            dst[i_] = funnel(prev_, next_, s_);                         \
            prev_ = next_;                                              \
        }                                                               \
    }

#if defined(TYPE_F32)
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint w = (rowByte >> 2) + unit * 32u;
    for (uint i = 0u; i < 8u; ++i)
        q[i] = uintBitsToFloat(uvec4(WEIGHTS[w + 4u * i], WEIGHTS[w + 4u * i + 1u], WEIGHTS[w + 4u * i + 2u],
                                     WEIGHTS[w + 4u * i + 3u]));
    f = vec4(1.0, 1.0, 0.0, 0.0);
}

#elif defined(TYPE_F16)
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint w = (rowByte >> 2) + unit * 16u;
    for (uint i = 0u; i < 8u; ++i)
        q[i] = vec4(unpackHalf2x16(WEIGHTS[w + 2u * i]), unpackHalf2x16(WEIGHTS[w + 2u * i + 1u]));
    f = vec4(1.0, 1.0, 0.0, 0.0);
}

#elif defined(TYPE_BF16)
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint w = (rowByte >> 2) + unit * 16u;
    for (uint i = 0u; i < 8u; ++i) {
        const uint a = WEIGHTS[w + 2u * i];
        const uint b = WEIGHTS[w + 2u * i + 1u];
        q[i] = uintBitsToFloat(uvec4(a << 16, a & 0xFFFF0000u, b << 16, b & 0xFFFF0000u));
    }
    f = vec4(1.0, 1.0, 0.0, 0.0);
}

#elif defined(TYPE_Q4_0)
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + unit * Q4_0_BLOCK_BYTES;
    const float d = loadF16(bb + Q4_0_OFF_D);
    uint w[4];
    LOAD_FUNNEL(w, bb + Q4_0_OFF_QS, 4u);
    for (uint i = 0u; i < 4u; ++i) {
        q[i] = nibbles(w[i], 0u);
        q[i + 4u] = nibbles(w[i], 4u);
    }
    f = vec4(d, d, 8.0 * d, 8.0 * d);
}

#elif defined(TYPE_Q8_0)
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + unit * Q8_0_BLOCK_BYTES;
    const float d = loadF16(bb + Q8_0_OFF_D);
    uint w[8];
    LOAD_FUNNEL(w, bb + Q8_0_OFF_QS, 8u);
    for (uint i = 0u; i < 8u; ++i)
        q[i] = signedBytes(w[i]);
    f = vec4(d, d, 0.0, 0.0);
}

#elif (defined(TYPE_Q4_K) || defined(TYPE_Q5_K)) && defined(WEIGHTS4)
// With a 16-byte view of the weights (WEIGHTS4; K-quant blocks and rows are 16-byte aligned): the
// block's d, dmin and 12 scale bytes in one load, the unit's 32 qs bytes in two. GPUs issue a
// quarter of the load instructions of the word-by-word form below.
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

#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
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

#elif defined(TYPE_Q6_K)
// Unit s of a block: half h = s/4, quarter c = s%4 (see dequantQuad): 32 low-bit bytes, 32 high-bit
// bytes, two scales (elements 0-15 and 16-31).
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
