// Dequantization to f32, block by block, for every supported tensor type.
#pragma once

#include "quant/types.h"
#include "util/result.h"

#include <cstddef>
#include <cstdint>

namespace hearth {

// Converts `count` elements (a multiple of the type's block size) starting at `src`.
void dequantize(TensorType type, const void* src, float* dst, size_t count);

float f16ToF32(uint16_t bits);
uint16_t f32ToF16(float value); // round to nearest even, as ggml does
float bf16ToF32(uint16_t bits);
uint16_t f32ToBf16(float value); // round to nearest even, NaN kept quiet, as ggml does

// Bytes that `elements` elements of `type` occupy (elements must be a multiple of the block size).
size_t rowBytes(TensorType type, size_t elements);

} // namespace hearth
