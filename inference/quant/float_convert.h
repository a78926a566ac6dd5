// Half and bfloat16 conversions, bit exact with ggml (round to nearest even), inline so the dot
// product kernels can use them in their inner loops.
#pragma once

#include <cstdint>
#include <cstring>

namespace hearth {

inline uint32_t floatBits(float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

inline float bitsToFloat(uint32_t bits)
{
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

// IEEE half → float, exact for every input (subnormals, infinities, NaN payloads).
inline float halfToFloat(uint16_t half)
{
    const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
    const uint32_t exponent = (half >> 10) & 0x1fu;
    const uint32_t mantissa = half & 0x3ffu;
    if (exponent == 0x1f) // infinity or NaN: keep the payload
        return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
    if (exponent != 0) // normal: rebias 15 → 127
        return bitsToFloat(sign | ((exponent + 112u) << 23) | (mantissa << 13));
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;
    return sign ? -magnitude : magnitude;
}

// Shifts `value` right by `shift` bits, rounding to nearest, ties to even.
inline uint32_t shiftRoundEven(uint32_t value, uint32_t shift)
{
    const uint32_t result = value >> shift;
    const uint32_t remainder = value & ((1u << shift) - 1u);
    const uint32_t half = 1u << (shift - 1u);
    return result + ((remainder > half || (remainder == half && (result & 1u))) ? 1u : 0u);
}

// float → IEEE half, round to nearest even; overflow gives infinity, NaN stays a quiet NaN.
inline uint16_t floatToHalf(float value)
{
    uint32_t bits = floatBits(value);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    bits &= 0x7fffffffu;
    if (bits > 0x7f800000u) return sign | 0x7e00u;
    if (bits >= 0x477ff000u) // ≥ 65520 rounds past the largest half (65504)
        return sign | 0x7c00u;
    if (bits >= 0x38800000u) // normal half: rebias the exponent, round the 13 dropped bits
        return sign | static_cast<uint16_t>(shiftRoundEven(bits - 0x38000000u, 13));
    if (bits <= 0x33000000u) // ≤ 2^-25 rounds to zero (the tie goes to the even zero)
        return sign;
    // Subnormal half: value * 2^24 rounded to an integer.
    const uint32_t exponent = bits >> 23;
    const uint32_t mantissa = (bits & 0x7fffffu) | 0x800000u;
    return sign | static_cast<uint16_t>(shiftRoundEven(mantissa, 126u - exponent));
}

inline float bfloatToFloat(uint16_t bf)
{
    return bitsToFloat(static_cast<uint32_t>(bf) << 16);
}

// float → bfloat16 as ggml_compute_fp32_to_bf16: NaN forced quiet, otherwise round to nearest even.
inline uint16_t floatToBfloat(float value)
{
    const uint32_t bits = floatBits(value);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 64u);
    return static_cast<uint16_t>((bits + (0x7fffu + ((bits >> 16) & 1u))) >> 16);
}

// Little-endian 16-bit load from a possibly unaligned address.
inline uint16_t loadU16(const uint8_t* p)
{
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

} // namespace hearth
