// Sampler settings; the sampler itself takes its randomness as an argument so every path is testable.
#pragma once

#include <cstdint>
#include <span>

namespace hearth {

struct SamplerSettings {
    float temperature = 0.8f; // 0: greedy
    int topK = 40; // 0: off
    float topP = 0.95f; // 1: off
    float minP = 0.05f; // 0: off
    float repeatPenalty = 1.1f; // 1: off
    int repeatWindow = 64;
    uint64_t seed = 0; // 0: random seed
};

// Picks the next token. The steps, in llama.cpp's default order: repetition penalty over the last
// `repeatWindow` of `recentTokens`; greedy when temperature <= 0; else top-k, top-p and min-p on the
// softmax of the penalised logits, then temperature, then one draw: `coin` in [0, 1) walks the
// cumulative distribution of the kept tokens (most likely first), so a coin near 1 picks the last.
int32_t sample(std::span<const float> logits, const SamplerSettings& settings,
    std::span<const int32_t> recentTokens, double coin);

// The seedable source of coins (xoshiro256**), kept outside the sampler.
class SamplerRng {
public:
    explicit SamplerRng(uint64_t seed); // 0: seeded from std::random_device
    double nextCoin(); // uniform in [0, 1)
    uint64_t seed() const { return m_seed; }

private:
    uint64_t next();
    uint64_t m_seed;
    uint64_t m_state[4];
};

} // namespace hearth
