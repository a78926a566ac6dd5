// Synthetic Llama models: the exact tensor layout and metadata of Llama 3.2 1B/3B or Llama 3.1 8B
// (or a tiny test shape) with random weights, optionally with a real tokenizer copied from a
// vocabulary GGUF so the result runs end to end. Tensors are generated, encoded and written one
// chunk of rows at a time, so an 8B f16 model (16 GB) never sits in memory.
#pragma once

#include "gguf/gguf.h"
#include "quant/quant_mix.h"

#include <functional>
#include <optional>

namespace hearth {

struct SynthShape {
    std::string_view name;
    int layers;
    int dim;
    int ffn;
    int heads;
    int kvHeads;
    uint32_t vocab; // used when no vocabulary file gives the real count
    bool tiedEmbeddings;
};

// "1b" (Llama 3.2 1B), "3b" (Llama 3.2 3B), "8b" (Llama 3.1 8B), "tiny" (2 layers, width 256).
std::optional<SynthShape> synthShape(std::string_view name);

struct SynthOptions {
    SynthShape shape;
    QuantMix mix = QuantMix::F16;
    uint64_t seed = 1;
    const GgufFile* vocabulary
        = nullptr; // tokenizer.* keys are copied from it; its token count sets the vocabulary
    unsigned threads = 0;
    std::function<void(const std::string& tensor, TensorType type, size_t index, size_t count)> progress;
};

Status synthesizeModel(const SynthOptions& options, const std::string& outPath);

// Llama 3.1's RoPE frequency factors (rope_freqs.weight): scaling factor 8, low/high frequency
// factors 1 and 4, original context 8192 — as llama.cpp's converter computes them.
std::vector<float> llama31RopeFactors(int headDim, float ropeBase);

} // namespace hearth
