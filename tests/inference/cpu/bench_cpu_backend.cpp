// hearth-cpu-bench MODEL [-p PROMPT_TOKENS] [-n DECODE_TOKENS] [-t THREADS]: a benchmark program (not a
// test). Prints prefill and decode speed of the CPU backend, by wall clock and by the process's CPU
// time, since on a shared machine the wall clock mostly measures the other processes.
#include "cpu/cpu_backend.h"
#include "gguf/gguf.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

using namespace hearth;

namespace {

double wallNow()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpuNow()
{
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: hearth-cpu-bench MODEL [-p 64] [-n 16] [-t THREADS] [--kv-f32]\n");
        return 2;
    }
    uint32_t prompt = 64, decode = 16;
    int threads = 0;
    bool kvF16 = true;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "-p") && i + 1 < argc)
            prompt = uint32_t(std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "-n") && i + 1 < argc)
            decode = uint32_t(std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "-t") && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--kv-f32"))
            kvF16 = false;
    }
    auto file = GgufFile::open(argv[1]);
    if (!file) {
        std::fprintf(stderr, "%s\n", file.error().message.c_str());
        return 1;
    }
    auto config = LlamaConfig::fromGguf(**file);
    auto weights = config ? LlamaWeights::bind(**file, *config) : Result<LlamaWeights>(config.error());
    if (!weights) {
        std::fprintf(stderr, "%s\n", weights.error().message.c_str());
        return 1;
    }
    CpuOptions options;
    options.contextLength = prompt + decode;
    options.threads = threads;
    options.kvF16 = kvF16;
    auto backend = createCpuBackend(*weights, *config, options);
    if (!backend) {
        std::fprintf(stderr, "%s\n", backend.error().message.c_str());
        return 1;
    }
    std::vector<int32_t> tokens(prompt + decode);
    for (size_t i = 0; i < tokens.size(); ++i)
        tokens[i] = int32_t((i * 7919) % config->vocabSize);
    std::vector<float> logits(config->vocabSize);

    // Warm-up: touches every weight page once (the mapping is lazy) and grows the scratch buffers.
    if (!(*backend)->forward(std::span(tokens).first(1), 0, logits)) return 1;

    double w0 = wallNow(), c0 = cpuNow();
    if (!(*backend)->forward(std::span(tokens).first(prompt), 0, logits)) return 1;
    const double prefillWall = wallNow() - w0, prefillCpu = cpuNow() - c0;
    w0 = wallNow(), c0 = cpuNow();
    for (uint32_t i = 0; i < decode; ++i)
        if (!(*backend)->forward(std::span(tokens).subspan(prompt + i, 1), prompt + i, logits)) return 1;
    const double decodeWall = wallNow() - w0, decodeCpu = cpuNow() - c0;

    const int t = threads > 0 ? threads : 0;
    std::printf("| model | threads | test | tok/s (wall) | CPU s per token |\n|---|---|---|---|---|\n");
    std::printf("| %s | %d | pp%u | %.2f | %.4f |\n", config->name.c_str(), t, prompt, prompt / prefillWall,
        prefillCpu / prompt);
    std::printf("| %s | %d | tg%u | %.2f | %.4f |\n", config->name.c_str(), t, decode, decode / decodeWall,
        decodeCpu / decode);
    return 0;
}
