// Which type each tensor gets when a model is quantized: the file-level choices of llama.cpp's
// llama-quantize (no importance matrix), so our q4_k_m file has the same types as theirs.
#pragma once

#include "quant/types.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace hearth {

enum class QuantMix {
    F32,
    F16,
    BF16,
    Q4_0,
    Q8_0,
    Q4_K,
    Q5_K,
    Q6_K,
    Q4_K_M,
    Q5_K_M,
    Q4_1,
    Q5_0,
    Q5_1,
    IQ4_NL,
    IQ4_XS,
    Q2_K,
    Q3_K_S,
    Q3_K_M,
    Q3_K_L,
    Q4_K_S,
    Q5_K_S,
    IQ3_S
};

// "q4_k_m", "Q8_0", "f16", ... (case-insensitive); nullopt for anything else.
std::optional<QuantMix> parseQuantMix(std::string_view name);
std::string_view quantMixName(QuantMix mix);
// The llama_ftype number stored in general.file_type (q4_k/q5_k are written as the _S numbers).
uint32_t llamaFileType(QuantMix mix);

// Layers that get more bits in the _M mixes: the first and last eighth, and every third between.
bool useMoreBits(int layer, int layerCount);

// The type of tensor `name` with ggml `shape` (shape[0] = row length). One-dimensional tensors
// (norms, rope factors) keep `original`. The output projection (token_embd when the embeddings are
// tied) gets Q6_K in every quantized mix but Q8_0; the _M mixes give Q6_K to attn_v and ffn_down
// of the useMoreBits layers. A row length that is no multiple of the chosen type's block falls back
// to Q8_0, then F16. The IQ4 mixes give Q5_K to attn_v when `gqa` (query heads per KV head) is at
// least 4, as llama-quantize does. The low-bit mixes (llama_tensor_get_type for their ftypes):
// q2_k gives Q3_K to attn_output and ffn_down, and attn_v Q4_K when gqa >= 4 (else Q3_K);
// q3_k_m gives Q4_K to attn_output and ffn_down (Q5_K to ffn_down in the first sixteenth of
// layers) and attn_v Q5_K in layers 0-1, Q4_K after; q3_k_l gives Q5_K to all three;
// q4_k_s gives Q5_K to attn_v in layers 0-3; iq3_s gives attn_v Q4_K when gqa >= 4.
TensorType chooseTensorType(QuantMix mix, std::string_view name, std::span<const uint64_t> shape,
    int layerCount, bool hasOutput, TensorType original, int gqa = 1);

} // namespace hearth
