// The weights of one activation chunk (4 units, 128 elements) of one row, for mul_mat_cpu.comp: the
// chunk's bytes are fetched once, as the 16-byte texels of a uniform texel buffer that cover them, into
// a Chunk of registers, and each unit is decoded from there. lavapipe turns a storage-buffer load into
// a loop over the lanes with a stalled store-to-load forward per lane, but gathers a texel fetch
// (mul_mat_vec_cpu.comp), so the weights go through texels and as few fetches as the layout allows.
// Include after weight_type.glsl. For every type it provides
//   void loadChunk(uint rowByte, uint c, out Chunk k)   // chunk c of the row starting at rowByte
//   void chunkUnit(Chunk k, uint u, out vec4 w[8])      // unit u (a constant once unrolled) of it
// Needs rows of whole chunks (cols % 128 == 0), so chunks of Q4_0 (4 blocks, 72 bytes) and Q8_0 (136
// bytes) start 8-aligned, and K-quant and float rows 16-aligned; weight pieces are bound 16-aligned
// and padded by 16 bytes (WeightStore), which the last texel of a row's last chunk may reach into.
#ifndef MUL_MAT_CPU_CHUNK_GLSL
#define MUL_MAT_CPU_CHUNK_GLSL

// The weights are 16-byte texels (`weights`, a usamplerBuffer). n words from the 16-aligned byte b:
// n / 4 fetches (n a multiple of 4).
#define LOAD_TEXELS(dst, b, n)                                             \
    [[unroll]] for (uint j_ = 0u; j_ < (n) / 4u; ++j_) {                   \
        const uvec4 v_ = texelFetch(weights, int(((b) >> 4) + j_));        \
        dst[4u * j_] = v_.x;                                               \
        dst[4u * j_ + 1u] = v_.y;                                          \
        dst[4u * j_ + 2u] = v_.z;                                          \
        dst[4u * j_ + 3u] = v_.w;                                          \
    }
// n words from the 4-aligned byte b: the (n + 6) / 4 texels that cover them whatever b's word offset
// in its texel, then moved down by that offset (selects, the same code for every offset).
#define LOAD_ALIGNED(dst, b, n)                                                                 \
    {                                                                                           \
        const uint o_ = ((b) >> 2) & 3u;                                                        \
        uint t_[4u * (((n) + 6u) / 4u)];                                                        \
        LOAD_TEXELS(t_, (b) & ~15u, 4u * (((n) + 6u) / 4u));                                    \
        [[unroll]] for (uint i_ = 0u; i_ < (n); ++i_)                                           \
            dst[i_] = o_ < 2u ? (o_ == 0u ? t_[i_] : t_[i_ + 1u]) : (o_ == 2u ? t_[i_ + 2u] : t_[i_ + 3u]); \
    }
// n words from the 2-aligned byte b: n + 1 aligned words, shifted together in pairs.
#define LOAD_UNALIGNED(dst, b, n)                                  \
    {                                                              \
        uint a_[(n) + 1u];                                         \
        LOAD_ALIGNED(a_, (b) & ~3u, (n) + 1u);                     \
        [[unroll]] for (uint k_ = 0u; k_ < (n); ++k_)              \
            dst[k_] = funnel(a_[k_], a_[k_ + 1u], ((b) & 2u) * 8u); \
    }

#if defined(TYPE_Q4_0) || defined(TYPE_Q8_0)
// Four blocks { f16 d; qs[PAIR_QS words] }, as words: a pair of blocks is 2 * PAIR_QS + 1 words, the
// even block's qs 2 bytes into its first word, the odd block's qs aligned after its d.
#if defined(TYPE_Q4_0)
#define PAIR_QS 4u
#else
#define PAIR_QS 8u
#endif
struct Chunk {
    uint wd[4u * PAIR_QS + 2u];
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    LOAD_ALIGNED(k.wd, rowByte + 4u * BLOCK_BYTES * c, 4u * PAIR_QS + 2u);
}

// Block u's scale and qs words.
float pairScale(Chunk k, uint u)
{
    const uint base = (2u * PAIR_QS + 1u) * (u >> 1);
    return (u & 1u) == 0u ? unpackHalf2x16(k.wd[base]).x : unpackHalf2x16(k.wd[base + PAIR_QS]).y;
}
uint pairQs(Chunk k, uint u, uint i)
{
    const uint base = (2u * PAIR_QS + 1u) * (u >> 1);
    return (u & 1u) == 0u ? funnel(k.wd[base + i], k.wd[base + i + 1u], 16u) : k.wd[base + PAIR_QS + 1u + i];
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    const float d = pairScale(k, u);
#if defined(TYPE_Q4_0)
    [[unroll]] for (uint i = 0u; i < 4u; ++i) {
        const uint q = pairQs(k, u, i);
        w[i] = (nibbles(q, 0u) - 8.0) * d;
        w[i + 4u] = (nibbles(q, 4u) - 8.0) * d;
    }
#else
    [[unroll]] for (uint i = 0u; i < 8u; ++i)
        w[i] = signedBytes(pairQs(k, u, i)) * d;
#endif
}

#elif defined(TYPE_F32) || defined(TYPE_F16) || defined(TYPE_BF16)
// 128 elements: 128 words of F32, 64 of F16 or BF16 (two elements a word).
#if defined(TYPE_F32)
#define CHUNK_WORDS 128u
#else
#define CHUNK_WORDS 64u
#endif
struct Chunk {
    uint wd[CHUNK_WORDS];
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    LOAD_TEXELS(k.wd, rowByte + 4u * CHUNK_WORDS * c, CHUNK_WORDS);
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    [[unroll]] for (uint i = 0u; i < 8u; ++i) {
#if defined(TYPE_F32)
        const uint e = 32u * u + 4u * i;
        w[i] = uintBitsToFloat(uvec4(k.wd[e], k.wd[e + 1u], k.wd[e + 2u], k.wd[e + 3u]));
#else
        const uint a = k.wd[16u * u + 2u * i];
        const uint b = k.wd[16u * u + 2u * i + 1u];
#if defined(TYPE_F16)
        w[i] = vec4(unpackHalf2x16(a), unpackHalf2x16(b));
#else
        w[i] = uintBitsToFloat(uvec4(a << 16, a & 0xFFFF0000u, b << 16, b & 0xFFFF0000u));
#endif
#endif
    }
}

#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
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

#elif defined(TYPE_Q6_K)
// Chunk c is half h = c & 1 of a (2-aligned) super-block: its 64 ql bytes, 32 qh bytes and 8 scales,
// and the block's d; unit u is quarter u of the half (see dequantQuad).
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

#endif
