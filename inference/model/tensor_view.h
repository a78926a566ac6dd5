// TensorView: a weight matrix as it lies in the mapped GGUF file — no copy, no conversion.
// Rows are the output dimension, cols the contiguous (input) dimension: ggml's shape[1] × shape[0].
#pragma once

#include "quant/types.h"

#include <cstddef>
#include <cstdint>

namespace hearth {

struct TensorView {
    TensorType type = TensorType::F32;
    const uint8_t* data = nullptr; // into the mapping; lives as long as the GgufFile
    uint32_t rows = 0; // ggml shape[1] (1 for vectors)
    uint32_t cols = 0; // ggml shape[0], contiguous
    size_t rowBytes = 0; // bytes of one row in `type`

    bool empty() const { return data == nullptr; }
    const uint8_t* row(uint32_t r) const { return data + size_t(r) * rowBytes; }
    // Float vectors (norm weights, rope factors) are always F32 in the files we accept.
    const float* f32() const { return reinterpret_cast<const float*>(data); }
};

} // namespace hearth
