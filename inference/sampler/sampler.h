// Sampler settings; the sampler itself takes its randomness as an argument so every path is testable.
#pragma once

#include <cstdint>

namespace hearth {

struct SamplerSettings {
    float temperature = 0.8f;  // 0: greedy
    int topK = 40;             // 0: off
    float topP = 0.95f;        // 1: off
    float minP = 0.05f;        // 0: off
    float repeatPenalty = 1.1f;  // 1: off
    int repeatWindow = 64;
    uint64_t seed = 0;         // 0: random seed
};

}  // namespace hearth
