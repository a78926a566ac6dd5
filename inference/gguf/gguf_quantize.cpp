// quantizeModel: choose types, declare the tensors, then convert and stream them one by one.
#include "gguf/gguf_quantize.h"

#include "gguf/gguf_writer.h"
#include "quant/dequant.h"
#include "quant/quantize.h"

#include <cstdio>
#include <string>

namespace hearth {

int modelLayerCount(const GgufFile& file)
{
    if (const auto arch = file.getString("general.architecture"))
        if (const auto n = file.getUint(std::string(*arch) + ".block_count"); n && *n < 100000)
            return static_cast<int>(*n);
    int layers = 0;
    for (const GgufTensorInfo& t : file.tensors()) {
        int layer = -1;
        if (std::sscanf(t.name.c_str(), "blk.%d.", &layer) == 1 && layer + 1 > layers) layers = layer + 1;
    }
    return layers;
}

// Query heads per KV head (1 when the file does not say).
int modelGqa(const GgufFile& file)
{
    const auto arch = file.getString("general.architecture");
    if (!arch) return 1;
    const auto heads = file.getUint(std::string(*arch) + ".attention.head_count");
    const auto kvHeads = file.getUint(std::string(*arch) + ".attention.head_count_kv");
    return heads && kvHeads && *kvHeads > 0 ? static_cast<int>(*heads / *kvHeads) : 1;
}

namespace {

// Converts one tensor in chunks of rows: dequantize to f32 (unless it is f32), quantize, write.
Status convertTensor(const GgufTensorInfo& t, TensorType type, GgufWriter& writer, unsigned threads)
{
    if (type == t.type) return writer.writeData(t.data, t.byteSize);
    const size_t rowLength = t.shape[0];
    const size_t rows = t.elementCount / rowLength;
    const size_t srcRowBytes = rowBytes(t.type, rowLength);
    const size_t dstRowBytes = rowBytes(type, rowLength);
    const size_t chunkRows = std::max<size_t>(1, (size_t(1) << 22) / rowLength); // ~16 MB of f32
    std::vector<float> values(std::min(rows, chunkRows) * rowLength);
    std::vector<uint8_t> encoded(std::min(rows, chunkRows) * dstRowBytes);
    for (size_t row = 0; row < rows; row += chunkRows) {
        const size_t n = std::min(chunkRows, rows - row);
        dequantize(t.type, t.data + row * srcRowBytes, values.data(), n * rowLength);
        quantizeRows(type, values.data(), encoded.data(), n, rowLength, threads);
        if (Status st = writer.writeData(encoded.data(), n * dstRowBytes); !st) return st;
    }
    return Ok {};
}

} // namespace

Status quantizeModel(const GgufFile& input, const std::string& outPath, QuantMix mix, unsigned threads,
    const QuantizeProgress& progress)
{
    const int layers = modelLayerCount(input);
    const bool hasOutput = input.tensor("output.weight") != nullptr;
    const int gqa = modelGqa(input);
    GgufWriter writer(static_cast<uint32_t>(input.alignment()));
    // Metadata: everything but what describes the encoding, which is set anew at the end (as llama-quantize).
    for (const auto& [key, value] : input.metadata())
        if (key != "general.alignment" && key != "general.file_type" && key != "general.quantization_version")
            writer.set(key, value);
    if (mix != QuantMix::F32 && mix != QuantMix::F16 && mix != QuantMix::BF16)
        writer.setUint32("general.quantization_version", 2);
    writer.setUint32("general.file_type", llamaFileType(mix));

    std::vector<TensorType> types;
    for (const GgufTensorInfo& t : input.tensors()) {
        const TensorType type = chooseTensorType(mix, t.name, t.shape, layers, hasOutput, t.type, gqa);
        if (!canQuantize(type))
            return makeError(ErrorCode::Unsupported,
                "cannot encode tensor '" + t.name + "' as " + std::string(typeName(type)));
        if (auto added = writer.addTensor(t.name, type, t.shape); !added) return added.error();
        types.push_back(type);
    }
    Status status = writer.open(outPath);
    for (size_t i = 0; status && i < input.tensors().size(); ++i) {
        if (progress) progress(input.tensors()[i], types[i], i, types.size());
        status = convertTensor(input.tensors()[i], types[i], writer, threads);
    }
    if (status) status = writer.finish();
    if (!status) std::remove(outPath.c_str()); // never leave a half-written model behind
    return status;
}

} // namespace hearth
