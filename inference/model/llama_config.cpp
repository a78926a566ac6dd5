// LlamaConfig::fromGguf: reads the `llama.*` hyper-parameters and checks that they describe a model
// we can run (head sizes that divide, GQA groups that divide, rope over the whole head).
#include "model/llama_config.h"

#include <algorithm>
#include <string>

namespace hearth {

namespace {

Error missingKey(std::string_view key)
{
    return makeError(
        ErrorCode::BadFormat, "GGUF metadata: missing or non-integer key '" + std::string(key) + "'");
}

} // namespace

Result<LlamaConfig> LlamaConfig::fromGguf(const GgufFile& file)
{
    // Step 1: only the llama architecture (Llama 2/3.x files all say "llama").
    const auto arch = file.getString("general.architecture");
    if (!arch) return makeError(ErrorCode::BadFormat, "GGUF metadata: no general.architecture");
    if (*arch != "llama")
        return makeError(ErrorCode::Unsupported,
            "architecture '" + std::string(*arch) + "' is not supported (expected 'llama')");

    LlamaConfig config;
    const auto name = file.getString("general.name");
    config.name = name ? std::string(*name) : std::string(file.path());

    // Step 2: the required sizes.
    const auto blocks = file.getUint("llama.block_count");
    const auto dim = file.getUint("llama.embedding_length");
    const auto ffn = file.getUint("llama.feed_forward_length");
    const auto heads = file.getUint("llama.attention.head_count");
    if (!blocks) return missingKey("llama.block_count");
    if (!dim) return missingKey("llama.embedding_length");
    if (!ffn) return missingKey("llama.feed_forward_length");
    if (!heads) return missingKey("llama.attention.head_count");
    const uint64_t kLimit = 1u << 20; // far beyond any llama; keeps every product in 64 bits
    if (*blocks == 0 || *blocks > 4096 || *dim == 0 || *dim > kLimit || *ffn == 0 || *ffn > kLimit
        || *heads == 0 || *heads > *dim)
        return makeError(ErrorCode::BadFormat,
            "GGUF metadata: implausible llama sizes (block_count " + std::to_string(*blocks)
                + ", embedding_length " + std::to_string(*dim) + ", head_count " + std::to_string(*heads)
                + ")");
    config.layerCount = uint32_t(*blocks);
    config.dim = uint32_t(*dim);
    config.ffnDim = uint32_t(*ffn);
    config.headCount = uint32_t(*heads);
    config.kvHeadCount = uint32_t(file.getUint("llama.attention.head_count_kv").value_or(*heads));
    if (config.kvHeadCount == 0 || config.headCount % config.kvHeadCount != 0)
        return makeError(ErrorCode::BadFormat,
            "GGUF metadata: head_count_kv " + std::to_string(config.kvHeadCount)
                + " does not divide head_count " + std::to_string(config.headCount));

    // Step 3: the head size: key_length when given, else dim / heads.
    if (const auto keyLength = file.getUint("llama.attention.key_length")) {
        config.headDim = uint32_t(*keyLength);
        const auto valueLength = file.getUint("llama.attention.value_length");
        if (valueLength && *valueLength != *keyLength)
            return makeError(ErrorCode::Unsupported, "key_length and value_length differ");
    } else {
        if (config.dim % config.headCount != 0)
            return makeError(ErrorCode::BadFormat, "embedding_length is not a multiple of head_count");
        config.headDim = config.dim / config.headCount;
    }
    if (config.headDim == 0 || config.headDim % 2 != 0 || config.headDim > 1024)
        return makeError(
            ErrorCode::Unsupported, "head size " + std::to_string(config.headDim) + " is not supported");
    if (const auto ropeDims = file.getUint("llama.rope.dimension_count");
        ropeDims && *ropeDims != config.headDim)
        return makeError(ErrorCode::Unsupported,
            "rope.dimension_count " + std::to_string(*ropeDims) + " differs from the head size "
                + std::to_string(config.headDim));

    // Step 4: the optional numbers, with llama's defaults.
    config.trainedContext
        = uint32_t(std::min<uint64_t>(file.getUint("llama.context_length").value_or(2048), 1u << 30));
    config.normEps = float(file.getFloat("llama.attention.layer_norm_rms_epsilon").value_or(1e-5));
    config.ropeFreqBase = float(file.getFloat("llama.rope.freq_base").value_or(10000.0));
    if (!(config.normEps > 0) || !(config.ropeFreqBase > 1))
        return makeError(ErrorCode::BadFormat, "GGUF metadata: bad rms epsilon or rope.freq_base");

    // Step 5: what the tensor table says: vocabulary size, tied output, rope factors.
    const GgufTensorInfo* embedding = file.tensor("token_embd.weight");
    if (!embedding || embedding->shape.size() != 2)
        return makeError(ErrorCode::BadFormat, "tensor 'token_embd.weight' is missing or not a matrix");
    if (embedding->shape[1] == 0 || embedding->shape[1] > (1u << 24))
        return makeError(ErrorCode::BadFormat, "tensor 'token_embd.weight': implausible vocabulary size");
    config.vocabSize = uint32_t(embedding->shape[1]);
    config.tiedEmbeddings = file.tensor("output.weight") == nullptr;
    config.hasRopeFreqFactors = file.tensor("rope_freqs.weight") != nullptr;
    return config;
}

} // namespace hearth
