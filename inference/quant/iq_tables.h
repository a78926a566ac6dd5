// Lookup tables of the IQ ("importance") types, from ggml-common.h: their values are not a formula
// but what the format was trained on, so they are copied, not computed.
#pragma once

#include <cstdint>

namespace hearth {

// IQ4_NL and IQ4_XS: a nibble q stands for kIq4nlValues[q] (times the block scale), a non-linear
// spacing that puts more levels near zero where most weights are.
inline constexpr int8_t kIq4nlValues[16]
    = { -127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113 };

// IQ3_S: grid point i is four magnitudes, byte j of kIq3sGrid[i] for element j.
extern const uint32_t kIq3sGrid[512];

} // namespace hearth
