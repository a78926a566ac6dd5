// hearth-vk-check: the GPU-machine half of scripts/device-check.sh, with no Qt and no tokenizer library
// so it runs where only the NVIDIA driver is installed.
//   hearth-vk-check logits MODEL.gguf REF.json REF.logits.f32   logits vs llama.cpp (prompt in one batch and
//   one
//                                                                token at a time) + teacher-forced greedy
//   hearth-vk-check synth SHAPE[:LAYERS] MIX OUT.gguf [VOCAB.gguf] a random-weight model at a Llama shape
//                                                                (with VOCAB's tokenizer: llama.cpp loads it)
//   hearth-vk-check bench MODEL.gguf PROMPT DECODE [DEPTH [TUNING_CACHE]]  one JSON line, as llama-bench
//                                  measures: pp at 0, tg from position 0 and after DEPTH positions, the
//                                  decode step's dispatches, barriers and bytes read
//                                  (vulkanDecodeStepCounts); with TUNING_CACHE the kernels tuned into (or
//                                  taken from) that file
//   hearth-vk-check tune MODEL.gguf CACHE [BUDGET] [--json]       the kernel tuner's table, as `hearth-cli
//   tune` hearth-vk-check plan MODEL.gguf [--tokens N] [--gpu] [--int-dot]
//                                  every dispatch of a batch of N tokens (1: a decode step), with its
//                                  pipeline; --gpu: the choices a GPU makes (on lavapipe too), --int-dot:
//                                  and its integer-dot-product path. Nothing is uploaded.
//   hearth-vk-check devices         the Vulkan devices, best first: index, type (discrete, cpu, ...), name
#include "gguf/gguf.h"
#include "gguf/gguf_synth.h"
#include "logit_compare.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "quant/quant_mix.h"
#include "vulkan/vulkan_backend.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

using namespace hearth;

namespace {

struct Model {
    std::unique_ptr<GgufFile> file;
    LlamaConfig config;
    std::unique_ptr<LlamaWeights> weights;
    std::unique_ptr<Backend> backend;
};

// tuning: the kernels tuned at load (kernel_tuning.h), when enabled.
bool load(const std::string& path, uint32_t context, Model* m, const VulkanTuning& tuning = {})
{
    auto file = GgufFile::open(path);
    if (!file) return std::fprintf(stderr, "%s\n", file.error().message.c_str()), false;
    auto config = LlamaConfig::fromGguf(**file);
    if (!config) return std::fprintf(stderr, "%s\n", config.error().message.c_str()), false;
    auto weights = LlamaWeights::bind(**file, *config);
    if (!weights) return std::fprintf(stderr, "%s\n", weights.error().message.c_str()), false;
    VulkanOptions options;
    options.contextLength = context;
    options.tuning = tuning;
    auto backend = createVulkanBackend(**file, *weights, *config, options);
    if (!backend) return std::fprintf(stderr, "%s\n", backend.error().message.c_str()), false;
    if (const KernelTuningReport* report = vulkanTuningReport(**backend))
        std::fprintf(stderr, "kernels: %s\n", report->config.c_str());
    m->file = std::move(*file);
    m->config = *config;
    m->weights = std::make_unique<LlamaWeights>(std::move(*weights));
    m->backend = std::move(*backend);
    return true;
}

// The numbers of `"key": [ ... ]` in a small JSON file.
std::vector<double> jsonArray(const std::string& text, const std::string& key)
{
    std::vector<double> out;
    size_t at = text.find("\"" + key + "\"");
    if (at == std::string::npos) return out;
    at = text.find('[', at);
    const size_t end = text.find(']', at);
    std::stringstream s(text.substr(at + 1, end - at - 1));
    std::string item;
    while (std::getline(s, item, ','))
        out.push_back(std::stod(item));
    return out;
}

int checkLogits(const std::string& modelPath, const std::string& jsonPath, const std::string& logitsPath)
{
    std::ifstream jf(jsonPath);
    std::stringstream js;
    js << jf.rdbuf();
    const auto promptD = jsonArray(js.str(), "prompt_tokens");
    const auto greedyD = jsonArray(js.str(), "greedy_tokens");
    const auto gaps = jsonArray(js.str(), "greedy_top2_gaps");
    std::vector<int32_t> prompt(promptD.begin(), promptD.end()), greedy(greedyD.begin(), greedyD.end());
    std::ifstream lf(logitsPath, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(lf)), std::istreambuf_iterator<char>());
    std::vector<float> ref(bytes.size() / 4);
    std::memcpy(ref.data(), bytes.data(), ref.size() * 4);
    Model m;
    if (prompt.empty() || !load(modelPath, uint32_t(prompt.size() + greedy.size() + 1), &m)) return 1;
    const uint32_t vocab = m.backend->vocabSize();
    if (ref.size() != prompt.size() * vocab) return std::fprintf(stderr, "reference size mismatch\n"), 1;
    // The prompt one token at a time first: the decode path (mat-vec products with the norm and rope
    // fused in, split attention) at every position, as the GPU runs it when generating.
    std::vector<float> logits(prompt.size() * vocab);
    for (size_t p = 0; p < prompt.size(); ++p)
        if (auto s
            = m.backend->forward(std::span(&prompt[p], 1), uint32_t(p), std::span(&logits[p * vocab], vocab));
            !s.ok())
            return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
    const test::Comparison oneByOne = test::compareLogits(logits.data(), ref.data(), prompt.size(), vocab);
    // Then the prompt as one batch (the tiled products), which the greedy steps continue.
    if (auto s = m.backend->forward(prompt, 0, logits); !s.ok())
        return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
    const test::Comparison batch = test::compareLogits(logits.data(), ref.data(), prompt.size(), vocab);
    const test::Tolerance tol = test::toleranceFor(m.weights->layers[0].wq.type);
    // Teacher-forced greedy through the one-token decode path.
    int bad = 0;
    std::vector<float> step(logits.end() - vocab, logits.end());
    for (size_t i = 0; i < greedy.size(); ++i) {
        const int32_t argmax = int32_t(std::max_element(step.begin(), step.end()) - step.begin());
        if (argmax != greedy[i] && i < gaps.size() && gaps[i] > 0.5) ++bad;
        if (i + 1 < greedy.size())
            if (auto s = m.backend->forward(std::span(&greedy[i], 1), uint32_t(prompt.size() + i), step);
                !s.ok())
                return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
    }
    auto within = [&](const test::Comparison& e) {
        return e.maxDiff <= tol.maxDiff && e.meanKl <= tol.meanKl && e.maxKl <= tol.maxKl;
    };
    const bool ok = within(batch) && within(oneByOne) && bad == 0;
    std::printf(
        "%s %-32s batch %.2e / %.2e / %.2e, one by one %.2e / %.2e / %.2e (limits %.0e / %.0e / %.0e), "
        "greedy disagreements %d, on %s\n",
        ok ? "PASS" : "FAIL", modelPath.substr(modelPath.rfind('/') + 1).c_str(), batch.maxDiff, batch.meanKl,
        batch.maxKl, oneByOne.maxDiff, oneByOne.meanKl, oneByOne.maxKl, tol.maxDiff, tol.meanKl, tol.maxKl,
        bad, m.backend->deviceName().c_str());
    return ok ? 0 : 1;
}

int synth(const std::string& shapeName, const std::string& mixName, const std::string& out,
    const std::string& vocabPath)
{
    // SHAPE:LAYERS keeps the shape's widths with fewer layers (an 8B-wide file small enough to plan).
    const size_t colon = shapeName.find(':');
    const auto shape = synthShape(shapeName.substr(0, colon));
    const auto mix = parseQuantMix(mixName);
    if (!shape || !mix) return std::fprintf(stderr, "unknown shape or type\n"), 2;
    SynthOptions options;
    options.shape = *shape;
    if (colon != std::string::npos)
        options.shape.layers = std::max(1, std::atoi(shapeName.c_str() + colon + 1));
    options.mix = *mix;
    // A tokenizer (llama31-vocab.gguf) lets llama.cpp's llama-bench load the same file.
    std::unique_ptr<GgufFile> vocabulary;
    if (!vocabPath.empty()) {
        auto opened = GgufFile::open(vocabPath);
        if (!opened) return std::fprintf(stderr, "%s\n", opened.error().message.c_str()), 1;
        vocabulary = std::move(*opened);
        options.vocabulary = vocabulary.get();
    }
    const Status s = synthesizeModel(options, out);
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
    return 0;
}

// Seconds of `steps` one-token steps at positions from..from + steps - 1, each feeding back its argmax.
double decodeSeconds(Backend& backend, std::vector<float>& logits, uint32_t from, int steps)
{
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; ++i) {
        const int32_t next = int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
        if (auto s = backend.forward(std::span(&next, 1), from + uint32_t(i), logits); !s.ok())
            return std::fprintf(stderr, "%s\n", s.error().message.c_str()), -1;
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// As llama-bench measures: pp = a prompt of PROMPT tokens at position 0; tg = DECODE steps from
// position 0 (llama-bench's tg clears the cache first); with DEPTH, also DECODE steps after DEPTH
// positions of context (a prompt of DEPTH tokens first, untimed; the pp prompt itself when DEPTH ==
// PROMPT). Then the decode step's counts (step_counts.cpp) at its last position, against the ideal.
// tuningCache: with the kernels tuned into (or taken from) this file; empty: the defaults.
int bench(const std::string& path, int prompt, int decode, int depth, const std::string& tuningCache = "")
{
    using Clock = std::chrono::steady_clock;
    Model m;
    VulkanTuning tuning;
    tuning.enabled = !tuningCache.empty();
    tuning.cachePath = tuningCache;
    if (!load(path, uint32_t(std::max(prompt, depth) + decode), &m, tuning)) return 1;
    const uint32_t vocab = m.backend->vocabSize();
    std::vector<int32_t> tokens(std::max(prompt, depth));
    for (size_t i = 0; i < tokens.size(); ++i)
        tokens[i] = int32_t((uint64_t(i) * 7919 + 13) % vocab);
    std::vector<float> logits(vocab);
    // Warm-up, as llama-bench does: the pipelines of the batched and the one-token pass are created
    // on first use, which is not what the figures measure.
    const size_t warm = std::min<size_t>(tokens.size(), 8);
    if (auto s = m.backend->forward(std::span(tokens).first(warm), 0, logits); !s.ok())
        return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
    if (auto s = m.backend->forward(std::span(tokens).first(1), uint32_t(warm), logits); !s.ok())
        return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
    // HEARTH_VK_PROFILE=1: GPU time per shader of the prompt and of the decode, on stderr.
    const char* profileEnv = std::getenv("HEARTH_VK_PROFILE");
    const bool profile = profileEnv && std::string(profileEnv) == "1" && startVulkanProfile(*m.backend);
    auto start = Clock::now();
    if (auto s = m.backend->forward(std::span(tokens).first(prompt), 0, logits); !s.ok())
        return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
    const double pp = prompt / std::chrono::duration<double>(Clock::now() - start).count();
    if (profile)
        std::fprintf(stderr, "GPU time per shader, prompt of %d tokens:\n%s\n", prompt,
            vulkanProfileTable(*m.backend).c_str());
    const double tgSeconds = decodeSeconds(*m.backend, logits, 0, decode);
    if (tgSeconds < 0) return 1;
    const double tg = decode / tgSeconds;
    if (profile)
        std::fprintf(stderr,
            "GPU time per shader, %d decode steps from position 0 (wall %.2f ms per step):\n%s\n", decode,
            1e3 / tg, vulkanProfileTable(*m.backend).c_str());
    double tgDepth = 0;
    if (depth > 0) {
        if (depth != prompt)
            if (auto s = m.backend->forward(std::span(tokens).first(depth), 0, logits); !s.ok())
                return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
        const double seconds = decodeSeconds(*m.backend, logits, uint32_t(depth), decode);
        if (seconds < 0) return 1;
        tgDepth = decode / seconds;
    }
    const uint32_t lastPosition = uint32_t((depth > 0 ? depth : 0) + decode - 1);
    const VulkanStepCounts counts
        = vulkanDecodeStepCounts(*m.backend, lastPosition).value_or(VulkanStepCounts {});
    const std::string device = m.backend->deviceName();
    m.backend.reset();
    auto bandwidth = measureVulkanCopyBandwidth(-1, 1ull << 30);
    if (!bandwidth) return std::fprintf(stderr, "%s\n", bandwidth.error().message.c_str()), 1;
    const uint64_t weightBytes = decodeWeightBytes(*m.weights);
    std::printf(
        "{\"model\": \"%s\", \"device\": \"%s\", \"backend\": \"vulkan\", \"pp_tokens\": %d, "
        "\"tg_tokens\": %d, \"depth\": %d, "
        "\"pp_tokens_per_s\": %.3f, \"tg_tokens_per_s\": %.3f, \"tg_depth_tokens_per_s\": %.3f, "
        "\"copy_bandwidth_gb_s\": %.3f, \"decode_bandwidth_fraction\": %.4f, "
        "\"weight_bytes_per_token\": %llu, \"counted_at_position\": %u, \"dispatches_per_token\": %u, "
        "\"barriers_per_token\": %u, \"weight_bytes_read\": %llu, \"kv_bytes_read\": %llu, "
        "\"ideal_kv_bytes\": %llu}\n",
        path.c_str(), device.c_str(), prompt, decode, depth, pp, tg, tgDepth, *bandwidth,
        double(weightBytes) * tg / (*bandwidth * 1e9), static_cast<unsigned long long>(weightBytes),
        lastPosition, counts.dispatches, counts.barriers, static_cast<unsigned long long>(counts.weightBytes),
        static_cast<unsigned long long>(counts.kvBytes),
        static_cast<unsigned long long>(decodeKvBytes(m.config, lastPosition)));
    return 0;
}

// The kernels tuned for the model (into CACHE, or taken from it), the report as `hearth-cli tune`
// prints it.
int tune(const std::string& path, const std::string& cache, double budget, bool json)
{
    VulkanTuning tuning;
    tuning.enabled = true;
    tuning.cachePath = cache;
    tuning.budgetSeconds = budget;
    Model m;
    if (!load(path, 4096, &m, tuning)) return 1;
    const KernelTuningReport* report = vulkanTuningReport(*m.backend);
    if (!report) return std::fprintf(stderr, "no tuning report\n"), 1;
    std::printf("%s", json ? tuningReportJson(*report).c_str() : tuningReportTable(*report).c_str());
    return 0;
}

int plan(const std::vector<std::string>& args)
{
    VulkanOptions options;
    uint32_t tokens = 1;
    for (size_t i = 2; i < args.size(); ++i) {
        if (args[i] == "--tokens" && i + 1 < args.size())
            tokens = uint32_t(std::max(1, std::atoi(args[++i].c_str())));
        else if (args[i] == "--gpu")
            options.gpuShaderChoices = true;
        else if (args[i] == "--int-dot")
            options.gpuShaderChoices = options.intDotProducts = true;
        else
            return std::fprintf(stderr, "plan: unknown argument %s\n", args[i].c_str()), 2;
    }
    auto file = GgufFile::open(args[1]);
    if (!file) return std::fprintf(stderr, "%s\n", file.error().message.c_str()), 1;
    auto config = LlamaConfig::fromGguf(**file);
    if (!config) return std::fprintf(stderr, "%s\n", config.error().message.c_str()), 1;
    auto weights = LlamaWeights::bind(**file, *config);
    if (!weights) return std::fprintf(stderr, "%s\n", weights.error().message.c_str()), 1;
    auto text = describeVulkanPlan(*weights, *config, options, tokens);
    if (!text) return std::fprintf(stderr, "%s\n", text.error().message.c_str()), 1;
    std::printf("%s", text->c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() == 4 && a[0] == "logits") return checkLogits(a[1], a[2], a[3]);
    if ((a.size() == 4 || a.size() == 5) && a[0] == "synth")
        return synth(a[1], a[2], a[3], a.size() == 5 ? a[4] : "");
    if (a.size() >= 4 && a.size() <= 6 && a[0] == "bench")
        return bench(a[1], std::stoi(a[2]), std::stoi(a[3]), a.size() >= 5 ? std::stoi(a[4]) : 0,
            a.size() == 6 ? a[5] : "");
    if (a.size() >= 3 && a.size() <= 5 && a[0] == "tune") {
        const bool json = a.back() == "--json";
        const size_t plain = a.size() - (json ? 1 : 0);
        return tune(a[1], a[2], plain == 4 ? std::atof(a[3].c_str()) : 4.0, json);
    }
    if (a.size() >= 2 && a[0] == "plan") return plan(a);
    if (a.size() == 1 && a[0] == "devices") {
        for (const DeviceInfo& d : listVulkanDevices())
            std::printf("%d\t%s\t%s\n", d.index, d.type.c_str(), d.name.c_str());
        return 0;
    }
    std::fprintf(stderr,
        "usage: hearth-vk-check logits MODEL REF.json REF.logits.f32 | synth SHAPE MIX OUT [VOCAB.gguf] | "
        "bench MODEL PROMPT DECODE [DEPTH [TUNING_CACHE]] | tune MODEL CACHE [BUDGET] [--json] | "
        "plan MODEL [--tokens N] [--gpu] [--int-dot] | devices\n");
    return 2;
}
