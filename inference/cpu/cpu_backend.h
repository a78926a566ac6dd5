// The CPU reference backend: the whole llama forward pass in plain C++ over kernels.h, with a KV
// cache, batched prefill and one-token decode. The oracle the Vulkan backend is tested against and
// the fallback when no Vulkan device exists.
#pragma once

#include "backend.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "util/result.h"

#include <cstdint>
#include <memory>

namespace hearth {

struct CpuOptions {
    uint32_t contextLength = 0; // 0: min(trained context, 4096)
    int threads = 0; // 0: the physical cores (SMT siblings add little to these memory-bound loops)
    // Half-precision KV cache, as llama.cpp's default: half the memory, and half the bytes that a decode
    // step reads at a long context (at 4,096 positions of a 1B model, 134 MB instead of 268 MB a token).
    bool kvF16 = true;
    uint32_t batchSize = 64; // prefill tokens per pass (weights read once per pass)
};

// The weights are views into the GgufFile: keep the file alive as long as the backend.
Result<std::unique_ptr<Backend>> createCpuBackend(
    const LlamaWeights& weights, const LlamaConfig& config, const CpuOptions& options = {});

} // namespace hearth
