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

} // namespace hearth
