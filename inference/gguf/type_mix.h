// The weight types a GGUF file holds, heaviest first: what a "Q3_K_M" file really is inside
// (Q3_K for most matrices, Q4_K and Q5_K for some, Q6_K for the output, F32 norms).
#pragma once

#include "gguf/gguf.h"

#include <cstdint>
#include <vector>

namespace hearth {

struct TypeShare {
    TensorType type = TensorType::F32;
    uint32_t tensors = 0;
    uint64_t bytes = 0;
};

// One entry per type, by bytes (most first); ties by type number.
std::vector<TypeShare> typeMix(const GgufFile& file);

} // namespace hearth
