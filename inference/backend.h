// The interface every compute backend (CPU reference, Vulkan) exports: the same few calls, so the
// engine and the tests can swap them.
#pragma once

#include "util/result.h"

#include <cstdint>
#include <span>
#include <string>

namespace hearth {

class Backend {
public:
    virtual ~Backend() = default;

    // "cpu" or the device's name, for messages and benchmark tables.
    virtual std::string deviceName() const = 0;
    virtual std::string kind() const = 0; // "cpu" | "vulkan"
    virtual uint32_t contextLength() const = 0;
    virtual uint32_t vocabSize() const = 0;

    // Runs `tokens` at positions [startPos, startPos + tokens.size()), appending their keys and values
    // to the KV cache (entries at and beyond startPos are overwritten, so rewinding is just a smaller
    // startPos). Writes logits: for every position when `logits` holds tokens.size() * vocab floats,
    // else for the last position only (vocab floats).
    virtual Status forward(std::span<const int32_t> tokens, uint32_t startPos, std::span<float> logits) = 0;
};

} // namespace hearth
