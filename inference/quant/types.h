// Tensor element types as numbered by GGUF (ggml_type), with their block geometry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hearth {

enum class TensorType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    BF16 = 30,
};

struct TypeTraits {
    std::string_view name;
    uint32_t blockElements; // elements per block (1 for plain float types)
    uint32_t blockBytes; // bytes per block
    bool supported; // we can dequantize and run it
};

// Traits of a type number read from a file; nullopt for numbers GGUF does not define.
std::optional<TypeTraits> typeTraits(uint32_t type);
std::string_view typeName(TensorType type);
// The types we dequantize, quantize to and run (the `supported` column of the type table).
bool isSupported(TensorType type);

} // namespace hearth
