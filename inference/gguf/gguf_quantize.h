// Re-encodes a whole model file in another quantization mix (what `hearth-cli quantize` runs):
// metadata copied, each tensor's type chosen by chooseTensorType, data converted in row chunks
// and streamed to the output so memory stays small whatever the model size.
#pragma once

#include "gguf/gguf.h"
#include "quant/quant_mix.h"

#include <functional>

namespace hearth {

// Called once per tensor before it is written: (tensor, its new type, index, count).
using QuantizeProgress = std::function<void(const GgufTensorInfo&, TensorType, size_t, size_t)>;

Status quantizeModel(const GgufFile& input, const std::string& outPath, QuantMix mix, unsigned threads = 0,
    const QuantizeProgress& progress = {});

// The number of transformer layers: <arch>.block_count, else the highest blk.N + 1.
int modelLayerCount(const GgufFile& file);

} // namespace hearth
