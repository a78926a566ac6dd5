// Per-tensor type choice for each quantization mix (see quant_mix.h for the rules and their source).
#include "quant/quant_mix.h"

#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace hearth {

namespace {

struct MixEntry {
    QuantMix mix;
    std::string_view name;
    TensorType base;
    uint32_t fileType;
};

constexpr std::array kMixes = {
    MixEntry { QuantMix::F32, "f32", TensorType::F32, 0 },
    MixEntry { QuantMix::F16, "f16", TensorType::F16, 1 },
    MixEntry { QuantMix::BF16, "bf16", TensorType::BF16, 32 },
    MixEntry { QuantMix::Q4_0, "q4_0", TensorType::Q4_0, 2 },
    MixEntry { QuantMix::Q8_0, "q8_0", TensorType::Q8_0, 7 },
    MixEntry { QuantMix::Q4_K, "q4_k", TensorType::Q4_K, 14 },
    MixEntry { QuantMix::Q5_K, "q5_k", TensorType::Q5_K, 16 },
    MixEntry { QuantMix::Q6_K, "q6_k", TensorType::Q6_K, 18 },
    MixEntry { QuantMix::Q4_K_M, "q4_k_m", TensorType::Q4_K, 15 },
    MixEntry { QuantMix::Q5_K_M, "q5_k_m", TensorType::Q5_K, 17 },
    MixEntry { QuantMix::Q4_1, "q4_1", TensorType::Q4_1, 3 },
    MixEntry { QuantMix::Q5_0, "q5_0", TensorType::Q5_0, 8 },
    MixEntry { QuantMix::Q5_1, "q5_1", TensorType::Q5_1, 9 },
    MixEntry { QuantMix::IQ4_NL, "iq4_nl", TensorType::IQ4_NL, 25 },
    MixEntry { QuantMix::IQ4_XS, "iq4_xs", TensorType::IQ4_XS, 30 },
    MixEntry { QuantMix::Q2_K, "q2_k", TensorType::Q2_K, 10 },
    MixEntry { QuantMix::Q3_K_S, "q3_k_s", TensorType::Q3_K, 11 },
    MixEntry { QuantMix::Q3_K_M, "q3_k_m", TensorType::Q3_K, 12 },
    MixEntry { QuantMix::Q3_K_L, "q3_k_l", TensorType::Q3_K, 13 },
    MixEntry { QuantMix::Q4_K_S, "q4_k_s", TensorType::Q4_K, 14 },
    MixEntry { QuantMix::Q5_K_S, "q5_k_s", TensorType::Q5_K, 16 },
    MixEntry { QuantMix::IQ3_S, "iq3_s", TensorType::IQ3_S, 26 },
};

const MixEntry& entry(QuantMix mix)
{
    for (const MixEntry& e : kMixes)
        if (e.mix == mix) return e;
    return kMixes[0];
}

// The N of "blk.N.", or -1.
int layerOf(std::string_view name)
{
    if (!name.starts_with("blk.")) return -1;
    int layer = -1;
    const char* begin = name.data() + 4;
    const auto [end, ec] = std::from_chars(begin, name.data() + name.size(), layer);
    return ec == std::errc() && end < name.data() + name.size() && *end == '.' ? layer : -1;
}

bool fits(TensorType type, uint64_t rowLength)
{
    const auto traits = typeTraits(static_cast<uint32_t>(type));
    return traits && rowLength % traits->blockElements == 0;
}

// The low-bit mixes' choices for attn_v, attn_output and ffn_down of `layer` (nullopt: keep the
// base type), in llama_tensor_get_type's order. llama.cpp counts attn_v and ffn_down tensors as it
// meets them, which for a Llama file is the layer number.
std::optional<TensorType> lowBitRule(QuantMix mix, std::string_view name, int layer, int layerCount, int gqa)
{
    if (name.ends_with(".attn_v.weight")) {
        switch (mix) {
        case QuantMix::Q2_K:
            return gqa >= 4 ? TensorType::Q4_K : TensorType::Q3_K;
        case QuantMix::Q3_K_M:
            return layer < 2 ? TensorType::Q5_K : TensorType::Q4_K;
        case QuantMix::Q3_K_L:
            return TensorType::Q5_K;
        case QuantMix::Q4_K_S:
            if (layer < 4) return TensorType::Q5_K;
            return std::nullopt;
        case QuantMix::IQ3_S:
            if (gqa >= 4) return TensorType::Q4_K;
            return std::nullopt;
        default:
            return std::nullopt;
        }
    }
    if (name.ends_with(".ffn_down.weight")) {
        switch (mix) {
        case QuantMix::Q2_K:
            return TensorType::Q3_K;
        case QuantMix::Q3_K_M:
            // The Falcon exception of llama.cpp does not apply: every Llama layer gets Q4_K.
            return layer < layerCount / 16 ? TensorType::Q5_K : TensorType::Q4_K;
        case QuantMix::Q3_K_L:
            return TensorType::Q5_K;
        default:
            return std::nullopt;
        }
    }
    if (name.ends_with(".attn_output.weight")) {
        switch (mix) {
        case QuantMix::Q2_K:
            return TensorType::Q3_K;
        case QuantMix::Q3_K_M:
            return TensorType::Q4_K;
        case QuantMix::Q3_K_L:
            return TensorType::Q5_K;
        default:
            return std::nullopt;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<QuantMix> parseQuantMix(std::string_view name)
{
    std::string lower(name);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const MixEntry& e : kMixes)
        if (e.name == lower) return e.mix;
    return std::nullopt;
}

std::string_view quantMixName(QuantMix mix)
{
    return entry(mix).name;
}
uint32_t llamaFileType(QuantMix mix)
{
    return entry(mix).fileType;
}

bool useMoreBits(int layer, int layerCount)
{
    return layer < layerCount / 8 || layer >= 7 * layerCount / 8 || (layer - layerCount / 8) % 3 == 2;
}

TensorType chooseTensorType(QuantMix mix, std::string_view name, std::span<const uint64_t> shape,
    int layerCount, bool hasOutput, TensorType original, int gqa)
{
    if (shape.size() < 2) return original;
    const TensorType base = entry(mix).base;
    TensorType type = base;
    const bool quantized = base != TensorType::F32 && base != TensorType::F16 && base != TensorType::BF16;
    if (quantized) {
        const bool isOutput = name == "output.weight" || (!hasOutput && name == "token_embd.weight");
        const bool mediumMix = mix == QuantMix::Q4_K_M || mix == QuantMix::Q5_K_M;
        const int layer = layerOf(name);
        if (isOutput && base != TensorType::Q8_0)
            type = TensorType::Q6_K;
        else if (mediumMix && layer >= 0
            && (name.ends_with(".attn_v.weight") || name.ends_with(".ffn_down.weight"))
            && useMoreBits(layer, layerCount))
            type = TensorType::Q6_K;
        else if ((mix == QuantMix::IQ4_NL || mix == QuantMix::IQ4_XS) && layer >= 0
            && name.ends_with(".attn_v.weight") && gqa >= 4)
            type = TensorType::Q5_K;
        else if (layer >= 0)
            type = lowBitRule(mix, name, layer, layerCount, gqa).value_or(base);
    }
    // Rows that the type's blocks cannot tile.
    if (!fits(type, shape[0]))
        type = fits(TensorType::Q8_0, shape[0]) && quantized ? TensorType::Q8_0 : TensorType::F16;
    return type;
}

} // namespace hearth
