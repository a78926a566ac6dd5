// Whole-texel reads for mul_mat_cpu.comp's chunks: the weights are 16-byte texels (`weights`, a
// usamplerBuffer), fetched into registers and decoded from there (see the chunk form in each format).
#ifndef DEQUANT_TEXELS_GLSL
#define DEQUANT_TEXELS_GLSL

// n words from the 16-aligned byte b: n / 4 fetches (n a multiple of 4).
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

#endif
