// Dequantization of every supported type, following ggml's reference (dequantize_row_*) float for
// float, so that our f32 weights equal llama.cpp's.
#include "quant/dequant.h"

#include "quant/blocks.h"
#include "quant/dequant_block.h"
#include "quant/float_convert.h"

#include <cstring>

namespace hearth {

float f16ToF32(uint16_t bits)
{
    return halfToFloat(bits);
}
uint16_t f32ToF16(float value)
{
    return floatToHalf(value);
}
float bf16ToF32(uint16_t bits)
{
    return bfloatToFloat(bits);
}
uint16_t f32ToBf16(float value)
{
    return floatToBfloat(value);
}

size_t rowBytes(TensorType type, size_t elements)
{
    const auto traits = typeTraits(static_cast<uint32_t>(type));
    HEARTH_CHECK(traits && elements % traits->blockElements == 0);
    return elements / traits->blockElements * traits->blockBytes;
}

void dequantize(TensorType type, const void* src, float* dst, size_t count)
{
    const auto* bytes = static_cast<const uint8_t*>(src);
    switch (type) {
    case TensorType::F32:
        std::memcpy(dst, src, count * sizeof(float));
        return;
    case TensorType::F16:
        for (size_t i = 0; i < count; ++i) {
            uint16_t bits;
            std::memcpy(&bits, bytes + 2 * i, 2);
            dst[i] = halfToFloat(bits);
        }
        return;
    case TensorType::BF16:
        for (size_t i = 0; i < count; ++i) {
            uint16_t bits;
            std::memcpy(&bits, bytes + 2 * i, 2);
            dst[i] = bfloatToFloat(bits);
        }
        return;
    default:
        break;
    }
    // Block types: one block at a time.
    const auto traits = typeTraits(static_cast<uint32_t>(type));
    HEARTH_CHECK(traits && traits->supported && count % traits->blockElements == 0);
    const size_t blocks = count / traits->blockElements;
    for (size_t b = 0; b < blocks; ++b)
        dequantizeBlock(type, bytes + b * traits->blockBytes, dst + b * traits->blockElements);
}

} // namespace hearth
