// Internal to hearth_gguf: the parser and validator behind GgufFile, over bytes already in memory.
#pragma once

#include "gguf/gguf.h"

#include <span>

namespace hearth::gguf_detail {

// Limits that keep hostile files from exhausting memory or the stack.
constexpr uint32_t kMaxDims = 4; // GGML_MAX_DIMS
constexpr int kMaxArrayDepth = 4; // arrays of arrays nested at most this deep
constexpr uint64_t kMaxArrayElements = 1ull << 24; // over all arrays of a file (Llama 3 uses ~0.7M)
constexpr uint64_t kDefaultAlignment = 32;

struct Contents {
    uint32_t version = 0;
    uint64_t alignment = kDefaultAlignment;
    uint64_t dataOffset = 0; // start of the tensor data section
    std::vector<std::pair<std::string, GgufValue>> metadata;
    std::vector<GgufTensorInfo> tensors;
};

// Parses and validates everything: header, metadata, tensor table, tensor placement. Errors name
// the byte offset and the problem ("byte 33: unknown metadata value type 13"); a file with fewer
// bytes than it promises says so first ("the file ends early: ... probably an incomplete download;
// download it again (byte 24: tensor count 4611686018427387904 cannot fit ...)").
Result<Contents> parse(std::span<const uint8_t> bytes);

} // namespace hearth::gguf_detail
