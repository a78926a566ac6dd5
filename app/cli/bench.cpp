// hearth-cli bench -m MODEL [-p 512] [-n 128] [--backend auto|cpu|vulkan] [--device N] [-t THREADS] [--json]
// Prints, like llama-bench, prompt processing (pp) and decode (tg) tokens/s with the device name, the
// device's copy bandwidth (the copy shader over a large buffer on Vulkan, memcpy on the CPU; bytes read
// + written per second) and the fraction of it the decode achieves (weight bytes read per token x
// tokens/s / copy bandwidth). A program, not a test: numbers depend on the machine. "auto" (the
// default) is what the app and `generate` run on: hearth::decideBackend's choice.
#include "args.h"
#include "command.h"
#include "cpu/cpu_backend.h"
#include "model_file.h"
#include "vulkan/vulkan_backend.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

bool parseInt(const std::string& text, int& out)
{
    try {
        size_t used = 0;
        out = std::stoi(text, &used);
        return used == text.size();
    } catch (...) {
        return false;
    }
}

// CPU seconds of this process, all threads (lavapipe's workers included): on a shared, loaded machine
// tokens per CPU-second say more about the code than wall-clock time.
double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + 1e-6 * double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

int fail(const std::string& message)
{
    std::fprintf(stderr, "bench: %s\n", message.c_str());
    return 1;
}

// memcpy over two 256 MiB buffers, best of a few runs, counting bytes read + written.
double cpuCopyBandwidth()
{
    const size_t bytes = 256ull << 20;
    std::vector<char> a(bytes, 1), b(bytes, 0);
    double best = 1e30;
    for (int run = 0; run < 4; ++run) {
        const auto start = Clock::now();
        std::memcpy(b.data(), a.data(), bytes);
        const double s = std::chrono::duration<double>(Clock::now() - start).count();
        if (run > 0) best = std::min(best, s);
        a[run] = b[bytes - 1 - run]; // keep the copies observable
    }
    return 2.0 * double(bytes) / best / 1e9;
}

int runBench(const std::vector<std::string>& argv)
{
    // Step 1: options.
    const hearth::cli::Args args(argv, { "-m", "-p", "-n", "--backend", "--device", "-t" });
    const auto model = args.value("-m");
    const auto choice = hearth::cli::backendChoice(args.value("--backend", "auto"));
    int prompt = 512, decode = 128, device = -1, threads = 0;
    if (!args.error().empty() || !model || !args.positionals().empty() || !choice
        || !parseInt(args.value("-p", "512"), prompt) || !parseInt(args.value("-n", "128"), decode)
        || !parseInt(args.value("--device", "-1"), device) || !parseInt(args.value("-t", "0"), threads)
        || prompt < 1 || decode < 1) {
        if (!args.error().empty()) std::fprintf(stderr, "bench: %s\n", args.error().c_str());
        std::fprintf(stderr,
            "usage: hearth-cli bench -m MODEL [-p 512] [-n 128] [--backend auto|cpu|vulkan] "
            "[--device N] [-t THREADS] [--json]\n");
        return 2;
    }
    const bool json = args.has("--json");
    const hearth::BackendDecision decision = hearth::decideBackend(*choice, device);
    if (!decision.notice.empty()) std::fprintf(stderr, "%s\n", decision.notice.c_str());
    std::string backendName = decision.backend == hearth::BackendChoice::Vulkan ? "vulkan" : "cpu";

    // Step 2: model and backend, with a context for the prompt and the decoded tokens.
    auto opened = hearth::cli::openModelFile(*model);
    if (!opened) return fail(opened.error().message);
    const auto& file = opened->file;
    const hearth::LlamaConfig* config = &opened->config;
    const hearth::LlamaWeights* weights = &opened->weights;
    const uint32_t context = uint32_t(prompt + decode);
    hearth::Result<std::unique_ptr<hearth::Backend>> backend
        = hearth::makeError(hearth::ErrorCode::Internal, "");
    if (backendName == "vulkan") {
        hearth::VulkanOptions options;
        options.deviceIndex = device;
        options.contextLength = context;
        backend = hearth::createVulkanBackend(*file, *weights, *config, options);
        // As the engine: auto falls back to the CPU when the GPU cannot take the model.
        if (!backend && *choice == hearth::BackendChoice::Auto) {
            std::fprintf(stderr, "The GPU could not be used (%s); running on the CPU.\n",
                backend.error().message.c_str());
            backendName = "cpu";
        }
    }
    if (backendName == "cpu") {
        hearth::CpuOptions options;
        options.contextLength = context;
        options.threads = threads;
        backend = hearth::createCpuBackend(*weights, *config, options);
    }
    if (!backend) return fail(backend.error().message);
    hearth::Backend& b = **backend;

    // Step 3: prompt processing — `prompt` tokens in one call, logits of the last.
    const uint32_t vocab = b.vocabSize();
    std::vector<int32_t> tokens(prompt);
    for (int i = 0; i < prompt; ++i)
        tokens[i] = int32_t((uint64_t(i) * 7919 + 13) % vocab);
    std::vector<float> logits(vocab);
    // Warm-up, as llama-bench does: a short batch and one step, so that creating the pipelines (the
    // driver's shader compile, seconds on lavapipe) stays out of the figures.
    const size_t warm = std::min<size_t>(tokens.size(), 16);
    if (auto s = b.forward(std::span(tokens).first(warm), 0, logits); !s.ok()) return fail(s.error().message);
    if (auto s = b.forward(std::span(tokens).first(1), uint32_t(warm), logits); !s.ok())
        return fail(s.error().message);
    auto start = Clock::now();
    double cpuStart = cpuSeconds();
    if (auto s = b.forward(tokens, 0, logits); !s.ok()) return fail(s.error().message);
    const double ppSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    const double ppCpu = cpuSeconds() - cpuStart;

    // Step 4: decode — `decode` single-token steps after the prompt, each feeding back its argmax.
    start = Clock::now();
    cpuStart = cpuSeconds();
    for (int i = 0; i < decode; ++i) {
        const int32_t next = int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
        if (auto s = b.forward(std::span(&next, 1), uint32_t(prompt + i), logits); !s.ok())
            return fail(s.error().message);
    }
    const double tgSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    const double tgCpu = cpuSeconds() - cpuStart;
    // What the last decode step's recording did (Vulkan only), against what it must read at least.
    const uint32_t lastPosition = uint32_t(prompt + decode - 1);
    const std::optional<hearth::VulkanStepCounts> counts = hearth::vulkanDecodeStepCounts(b, lastPosition);
    const uint64_t idealKv = hearth::decodeKvBytes(*config, lastPosition);

    // Step 5: copy bandwidth and the decode's fraction of it.
    double bandwidth = 0;
    if (backendName == "cpu") {
        bandwidth = cpuCopyBandwidth();
    } else {
        auto measured = hearth::measureVulkanCopyBandwidth(device, 256ull << 20);
        if (!measured) return fail(measured.error().message);
        bandwidth = *measured;
    }
    const double pp = prompt / ppSeconds;
    const double tg = decode / tgSeconds;
    const uint64_t weightBytes = hearth::decodeWeightBytes(*weights);
    const double fraction = double(weightBytes) * tg / (bandwidth * 1e9);

    // Step 6: print.
    if (json) {
        std::printf("{\"model\": \"%s\", \"device\": \"%s\", \"backend\": \"%s\", \"pp_tokens\": %d, "
                    "\"tg_tokens\": %d, "
                    "\"pp_tokens_per_s\": %.3f, \"tg_tokens_per_s\": %.3f, \"copy_bandwidth_gb_s\": %.3f, "
                    "\"decode_bandwidth_fraction\": %.4f, \"weight_bytes_per_token\": %llu, "
                    "\"pp_cpu_seconds\": %.3f, "
                    "\"tg_cpu_seconds\": %.3f, \"pp_wall_seconds\": %.3f, \"tg_wall_seconds\": %.3f",
            hearth::cli::jsonEscape(*model).c_str(), hearth::cli::jsonEscape(b.deviceName()).c_str(),
            backendName.c_str(), prompt, decode, pp, tg, bandwidth, fraction,
            static_cast<unsigned long long>(weightBytes), ppCpu, tgCpu, ppSeconds, tgSeconds);
        if (counts)
            std::printf(
                ", \"counted_at_position\": %u, \"dispatches_per_token\": %u, \"barriers_per_token\": %u, "
                "\"weight_bytes_read\": %llu, \"kv_bytes_read\": %llu, \"ideal_kv_bytes\": %llu",
                lastPosition, counts->dispatches, counts->barriers,
                static_cast<unsigned long long>(counts->weightBytes),
                static_cast<unsigned long long>(counts->kvBytes), static_cast<unsigned long long>(idealKv));
        std::printf("}\n");
        return 0;
    }
    std::printf("| %-28s | %9s | %-7s | %-32s | %-6s | %10s |\n", "model", "size", "backend", "device",
        "test", "t/s");
    std::printf("| %.28s | %9s | %.7s | %.32s | %.6s | %10s |\n", "-----------------------------",
        "---------", "-------", "--------------------------------", "------", "----------");
    const std::string name = config->name.substr(0, 28);
    char size[32];
    std::snprintf(size, sizeof size, "%.2f GiB", double(file->fileSize()) / double(1ull << 30));
    std::printf("| %-28s | %9s | %-7s | %-32.32s | pp%-4d | %10.2f |\n", name.c_str(), size,
        backendName.c_str(), b.deviceName().c_str(), prompt, pp);
    std::printf("| %-28s | %9s | %-7s | %-32.32s | tg%-4d | %10.2f |\n", name.c_str(), size,
        backendName.c_str(), b.deviceName().c_str(), decode, tg);
    std::printf("\ncopy bandwidth: %.2f GB/s (read + write); decode reads %.1f MiB per token = %.2f GB/s, "
                "%.1f%% of copy bandwidth\n",
        bandwidth, double(weightBytes) / double(1 << 20), double(weightBytes) * tg / 1e9, 100.0 * fraction);
    if (counts) {
        const double mib = double(1 << 20);
        std::printf(
            "decode step at position %u: %u dispatches, %u barriers; reads %.1f MiB of weights (ideal "
            "%.1f, x%.3f) and %.2f MiB of KV cache (ideal %.2f, x%.3f)\n",
            lastPosition, counts->dispatches, counts->barriers, double(counts->weightBytes) / mib,
            double(weightBytes) / mib, double(counts->weightBytes) / double(weightBytes),
            double(counts->kvBytes) / mib, double(idealKv) / mib, double(counts->kvBytes) / double(idealKv));
    }
    std::printf(
        "process CPU time: pp %.2f s (%.2f tokens per CPU-second), tg %.2f s (%.3f tokens per CPU-second)\n",
        ppCpu, prompt / ppCpu, tgCpu, decode / tgCpu);
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND("bench",
    "prompt and decode speed, copy bandwidth (-m MODEL [-p 512] [-n 128] "
    "[--backend auto|cpu|vulkan] [--device N] [--json])",
    runBench);
