// hearth-sampler-bench: CPU time of one sample() over a Llama 3 vocabulary (128,256 logits) for the
// settings a chat uses, the time every generated token pays on top of the forward pass. A program
// printing a table, not a test.
//   hearth-sampler-bench [--draws N]
#include "sampler/sampler.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

using namespace hearth;

int main(int argc, char** argv)
{
    int draws = 500;
    for (int i = 1; i + 1 < argc; ++i)
        if (!std::strcmp(argv[i], "--draws")) draws = std::max(1, std::atoi(argv[i + 1]));

    // Logits spread like a model's (normal, sd 3) and a recent window for the repetition penalty.
    std::mt19937 rng(1);
    std::normal_distribution<float> spread(0.0f, 3.0f);
    std::vector<float> logits(128256);
    for (float& l : logits)
        l = spread(rng);
    std::vector<int32_t> recent(64);
    for (int32_t& t : recent)
        t = int32_t(rng() % logits.size());

    struct Case {
        const char* name;
        SamplerSettings settings;
    };
    SamplerSettings chat; // the app's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05
    SamplerSettings greedy = chat;
    greedy.temperature = 0.0f;
    SamplerSettings noTopK = chat;
    noTopK.topK = 0;
    SamplerSettings noPenalty = chat;
    noPenalty.repeatPenalty = 1.0f;
    const Case cases[] = { { "defaults (top-k 40)", chat }, { "defaults, no repeat penalty", noPenalty },
        { "top-k off (min-p cut)", noTopK }, { "greedy", greedy } };

    std::printf("| settings | vocab | ms per token |\n|---|---|---|\n");
    for (const Case& c : cases) {
        int checksum = 0;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < draws; ++i)
            checksum += sample(logits, c.settings, recent, double(i % 97) / 97.0);
        const double ms
            = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()
            / draws;
        std::printf("| %s | %zu | %.3f |\n", c.name, logits.size(), ms);
        if (checksum == -1) std::puts(""); // keeps the draws from being optimised away
    }
    return 0;
}
