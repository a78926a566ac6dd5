// LlamaConfig: the hyper-parameters of a `general.architecture = llama` model, read from GGUF metadata.
#pragma once

#include "gguf/gguf.h"
#include "util/result.h"

#include <cstdint>
#include <string>

namespace hearth {

struct LlamaConfig {
    std::string name; // general.name, or the file name
    uint32_t layerCount = 0; // llama.block_count
    uint32_t dim = 0; // llama.embedding_length
    uint32_t ffnDim = 0; // llama.feed_forward_length
    uint32_t headCount = 0; // llama.attention.head_count
    uint32_t kvHeadCount = 0; // llama.attention.head_count_kv (defaults to headCount)
    uint32_t headDim = 0; // dim / headCount (or llama.attention.key_length)
    uint32_t vocabSize = 0; // rows of token_embd
    uint32_t trainedContext = 0; // llama.context_length
    float normEps = 1e-5f; // llama.attention.layer_norm_rms_epsilon
    float ropeFreqBase = 10000.0f; // llama.rope.freq_base
    bool hasRopeFreqFactors = false; // rope_freqs.weight present (Llama 3.1 long-context scaling)
    bool tiedEmbeddings = false; // no output.weight: logits use token_embd

    static Result<LlamaConfig> fromGguf(const GgufFile& file);
};

} // namespace hearth
