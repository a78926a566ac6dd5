// Block geometry of every type GGUF defines (ggml_type numbering), and which of them we run.
#include "quant/types.h"

#include <array>

namespace hearth {

namespace {

struct TypeEntry {
    uint32_t number;
    TypeTraits traits;
};

// The numbers 4 and 5 (Q4_2, Q4_3) were removed from ggml long ago and are left undefined here too,
// as are 31-33 (removed Q4_0_4_4 etc.). The IQ/TQ/MXFP4 types are named so that a model using them
// is reported as "type IQ2_XS, not supported" rather than as an unknown number.
constexpr std::array kTypes = {
    TypeEntry { 0, { "F32", 1, 4, true } },
    TypeEntry { 1, { "F16", 1, 2, true } },
    TypeEntry { 2, { "Q4_0", 32, 18, true } },
    TypeEntry { 3, { "Q4_1", 32, 20, true } },
    TypeEntry { 6, { "Q5_0", 32, 22, true } },
    TypeEntry { 7, { "Q5_1", 32, 24, true } },
    TypeEntry { 8, { "Q8_0", 32, 34, true } },
    TypeEntry { 9, { "Q8_1", 32, 36, false } },
    TypeEntry { 10, { "Q2_K", 256, 84, true } },
    TypeEntry { 11, { "Q3_K", 256, 110, true } },
    TypeEntry { 12, { "Q4_K", 256, 144, true } },
    TypeEntry { 13, { "Q5_K", 256, 176, true } },
    TypeEntry { 14, { "Q6_K", 256, 210, true } },
    TypeEntry { 15, { "Q8_K", 256, 292, false } },
    TypeEntry { 16, { "IQ2_XXS", 256, 66, false } },
    TypeEntry { 17, { "IQ2_XS", 256, 74, false } },
    TypeEntry { 18, { "IQ3_XXS", 256, 98, false } },
    TypeEntry { 19, { "IQ1_S", 256, 50, false } },
    TypeEntry { 20, { "IQ4_NL", 32, 18, true } },
    TypeEntry { 21, { "IQ3_S", 256, 110, true } },
    TypeEntry { 22, { "IQ2_S", 256, 82, false } },
    TypeEntry { 23, { "IQ4_XS", 256, 136, true } },
    TypeEntry { 24, { "I8", 1, 1, false } },
    TypeEntry { 25, { "I16", 1, 2, false } },
    TypeEntry { 26, { "I32", 1, 4, false } },
    TypeEntry { 27, { "I64", 1, 8, false } },
    TypeEntry { 28, { "F64", 1, 8, false } },
    TypeEntry { 29, { "IQ1_M", 256, 56, false } },
    TypeEntry { 30, { "BF16", 1, 2, true } },
    TypeEntry { 34, { "TQ1_0", 256, 54, false } },
    TypeEntry { 35, { "TQ2_0", 256, 66, false } },
    TypeEntry { 39, { "MXFP4", 32, 17, false } },
};

} // namespace

std::optional<TypeTraits> typeTraits(uint32_t type)
{
    for (const TypeEntry& entry : kTypes)
        if (entry.number == type) return entry.traits;
    return std::nullopt;
}

std::string_view typeName(TensorType type)
{
    const auto traits = typeTraits(static_cast<uint32_t>(type));
    return traits ? traits->name : std::string_view("unknown");
}

bool isSupported(TensorType type)
{
    const auto traits = typeTraits(static_cast<uint32_t>(type));
    return traits && traits->supported;
}

} // namespace hearth
