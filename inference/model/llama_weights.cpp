// LlamaWeights::bind: looks every tensor up by name and checks its type and shape against the config,
// so a wrong file is reported here, once, with the tensor's name — never as a crash in a kernel.
#include "model/llama_weights.h"

#include "quant/dequant.h"

#include <string>

namespace hearth {

bool isSupportedWeightType(TensorType type)
{
    return isSupported(type);
}

namespace {

std::string shapeText(const std::vector<uint64_t>& shape)
{
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// Binds `name` as a (rows, cols) matrix, or a vector when rows == 0. Shapes are in ggml order in
// messages ([cols, rows]) because that is what `hearth-cli info` and gguf tools print.
Result<TensorView> bindTensor(
    const GgufFile& file, const std::string& name, uint32_t rows, uint32_t cols, bool optional = false)
{
    const GgufTensorInfo* info = file.tensor(name);
    if (!info) {
        if (optional) return TensorView {};
        return makeError(ErrorCode::BadFormat, "tensor '" + name + "' is missing");
    }
    const bool vector = rows == 0;
    const std::vector<uint64_t> expected
        = vector ? std::vector<uint64_t> { cols } : std::vector<uint64_t> { cols, rows };
    // A vector may also be stored as [n, 1]; a matrix as [cols, rows, 1, 1].
    std::vector<uint64_t> shape = info->shape;
    while (shape.size() > expected.size() && shape.back() == 1)
        shape.pop_back();
    if (shape != expected)
        return makeError(ErrorCode::BadFormat,
            "tensor '" + name + "' has shape " + shapeText(info->shape) + ", expected "
                + shapeText(expected));
    if (!isSupportedWeightType(info->type))
        return makeError(ErrorCode::Unsupported,
            "tensor '" + name + "' has type " + std::string(typeName(info->type))
                + ", which is not supported");
    // Norms and rope factors are read as plain floats by every backend.
    if (vector && info->type != TensorType::F32)
        return makeError(ErrorCode::Unsupported,
            "tensor '" + name + "' is " + std::string(typeName(info->type)) + ", expected F32");
    TensorView view;
    view.type = info->type;
    view.data = info->data;
    view.rows = vector ? 1 : rows;
    view.cols = cols;
    view.rowBytes = rowBytes(info->type, cols);
    if (view.data == nullptr || uint64_t(view.rowBytes) * view.rows != info->byteSize)
        return makeError(ErrorCode::BadFormat, "tensor '" + name + "': data size does not match its shape");
    return view;
}

} // namespace

Result<LlamaWeights> LlamaWeights::bind(const GgufFile& file, const LlamaConfig& config)
{
    const uint32_t dim = config.dim;
    const uint32_t qDim = config.headCount * config.headDim;
    const uint32_t kvDim = config.kvHeadCount * config.headDim;
    LlamaWeights weights;
    weights.fileMapped = file.fileMapped();

    // Bind one tensor into a field, returning early with its error.
#define HEARTH_BIND(field, ...)                                                                              \
    do {                                                                                                     \
        auto bound = bindTensor(file, __VA_ARGS__);                                                          \
        if (!bound) return bound.error();                                                                    \
        field = *bound;                                                                                      \
    } while (0)

    // Step 1: the model-wide tensors; `output` falls back to the embedding (tied, Llama 3.2 1B/3B).
    HEARTH_BIND(weights.tokenEmbedding, "token_embd.weight", config.vocabSize, dim);
    HEARTH_BIND(weights.outputNorm, "output_norm.weight", 0, dim);
    HEARTH_BIND(weights.output, "output.weight", config.vocabSize, dim, /*optional=*/true);
    if (weights.output.empty()) weights.output = weights.tokenEmbedding;
    HEARTH_BIND(weights.ropeFreqs, "rope_freqs.weight", 0, config.headDim / 2, /*optional=*/true);

    // Step 2: every block.
    weights.layers.resize(config.layerCount);
    for (uint32_t i = 0; i < config.layerCount; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        LlamaLayerWeights& l = weights.layers[i];
        HEARTH_BIND(l.attnNorm, p + "attn_norm.weight", 0, dim);
        HEARTH_BIND(l.wq, p + "attn_q.weight", qDim, dim);
        HEARTH_BIND(l.wk, p + "attn_k.weight", kvDim, dim);
        HEARTH_BIND(l.wv, p + "attn_v.weight", kvDim, dim);
        HEARTH_BIND(l.wo, p + "attn_output.weight", dim, qDim);
        HEARTH_BIND(l.ffnNorm, p + "ffn_norm.weight", 0, dim);
        HEARTH_BIND(l.ffnGate, p + "ffn_gate.weight", config.ffnDim, dim);
        HEARTH_BIND(l.ffnUp, p + "ffn_up.weight", config.ffnDim, dim);
        HEARTH_BIND(l.ffnDown, p + "ffn_down.weight", dim, config.ffnDim);
    }
#undef HEARTH_BIND
    return weights;
}

uint64_t decodeWeightBytes(const LlamaWeights& w)
{
    auto bytes = [](const TensorView& t) { return t.empty() ? 0 : uint64_t(t.rows) * t.rowBytes; };
    uint64_t total = bytes(w.output) + bytes(w.outputNorm) + bytes(w.ropeFreqs) + w.tokenEmbedding.rowBytes;
    for (const LlamaLayerWeights& l : w.layers)
        total += bytes(l.attnNorm) + bytes(l.wq) + bytes(l.wk) + bytes(l.wv) + bytes(l.wo) + bytes(l.ffnNorm)
            + bytes(l.ffnGate) + bytes(l.ffnUp) + bytes(l.ffnDown);
    return total;
}

uint64_t decodeKvBytes(const LlamaConfig& c, uint32_t position)
{
    return 2ull * c.layerCount * (uint64_t(position) + 1) * c.kvHeadCount * c.headDim * sizeof(uint16_t);
}

} // namespace hearth
