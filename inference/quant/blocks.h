// Block layouts, bit for bit as the GGUF specification (ggml-common.h) lays them out.
// Shaders mirror these in shaders/include/gguf_blocks.glsl.
#pragma once

#include <cstdint>

namespace hearth {

using f16_bits = uint16_t; // IEEE half, stored as raw bits
using bf16_bits = uint16_t;

constexpr int kBlockQ4_0 = 32;
constexpr int kBlockQ8_0 = 32;
constexpr int kSuperBlock = 256; // K-quants
constexpr int kScaleBytesK = 12;

struct BlockQ4_0 {
    f16_bits d; // scale
    uint8_t qs[16]; // 32 nibbles: element j in low nibble of qs[j], element j+16 in high nibble
};
static_assert(sizeof(BlockQ4_0) == 18);

struct BlockQ8_0 {
    f16_bits d;
    int8_t qs[32];
};
static_assert(sizeof(BlockQ8_0) == 34);

struct BlockQ4_K {
    f16_bits d; // super-block scale for the 6-bit scales
    f16_bits dmin; // super-block scale for the 6-bit mins
    uint8_t scales[kScaleBytesK]; // 8 scales and 8 mins, 6 bits each
    uint8_t qs[128]; // 4-bit quants
};
static_assert(sizeof(BlockQ4_K) == 144);

struct BlockQ5_K {
    f16_bits d;
    f16_bits dmin;
    uint8_t scales[kScaleBytesK];
    uint8_t qh[32]; // high bit of each quant
    uint8_t qs[128]; // low 4 bits
};
static_assert(sizeof(BlockQ5_K) == 176);

struct BlockQ6_K {
    uint8_t ql[128]; // low 4 bits
    uint8_t qh[64]; // high 2 bits
    int8_t scales[16];
    f16_bits d;
};
static_assert(sizeof(BlockQ6_K) == 210);

// The older 32-element types: an offset (m) or a fifth bit (qh) on top of Q4_0's nibbles.
struct BlockQ4_1 {
    f16_bits d; // scale
    f16_bits m; // offset: x = d * q + m
    uint8_t qs[16]; // nibbles, ordered as Q4_0's
};
static_assert(sizeof(BlockQ4_1) == 20);

struct BlockQ5_0 {
    f16_bits d;
    uint8_t qh[4]; // bit j: the fifth bit of element j
    uint8_t qs[16]; // low 4 bits, ordered as Q4_0's
};
static_assert(sizeof(BlockQ5_0) == 22);

struct BlockQ5_1 {
    f16_bits d;
    f16_bits m;
    uint8_t qh[4];
    uint8_t qs[16];
};
static_assert(sizeof(BlockQ5_1) == 24);

// IQ4_NL: Q4_0's layout, but the nibbles index a non-linear table (kIq4nlValues) instead of q - 8.
struct BlockIQ4_NL {
    f16_bits d;
    uint8_t qs[16];
};
static_assert(sizeof(BlockIQ4_NL) == 18);

// IQ4_XS: eight IQ4_NL runs of 32 under one super-block scale, each with a 6-bit scale.
struct BlockIQ4_XS {
    f16_bits d;
    uint16_t scalesH; // high 2 bits of the 8 run scales
    uint8_t scalesL[4]; // low 4 bits of the 8 run scales
    uint8_t qs[128];
};
static_assert(sizeof(BlockIQ4_XS) == 136);

struct BlockQ2_K {
    uint8_t scales[16]; // per 16 elements: scale in the low nibble, min in the high nibble
    uint8_t qs[64]; // 2-bit quants
    f16_bits d;
    f16_bits dmin;
};
static_assert(sizeof(BlockQ2_K) == 84);

struct BlockQ3_K {
    uint8_t hmask[32]; // high bit of each quant (set: no -4)
    uint8_t qs[64]; // low 2 bits
    uint8_t scales[12]; // 16 scales of 6 bits
    f16_bits d;
};
static_assert(sizeof(BlockQ3_K) == 110);

// IQ3_S: groups of 4 elements are one of 512 grid points (9-bit index: qs + a bit of qh) with signs.
struct BlockIQ3_S {
    f16_bits d;
    uint8_t qs[64]; // low 8 bits of the grid indices
    uint8_t qh[8]; // their ninth bits
    uint8_t signs[32]; // one sign bit per element
    uint8_t scales[4]; // 4-bit scales per 32 elements
};
static_assert(sizeof(BlockIQ3_S) == 110);

} // namespace hearth
