// hearth-cli eval -m MODEL -f PROMPT_FILE --logits-out OUT.f32 [--backend cpu|vulkan] [--device N] [-t
// THREADS] Tokenizes the file as the llama.cpp reference does (BOS when the model asks for it, special-token
// text parsed as special tokens), prints the ids on one line, runs every position through the chosen
// backend and writes the logits as raw little-endian f32, positions × vocabulary.
#include "args.h"
#include "command.h"
#include "cpu/cpu_backend.h"
#include "gguf/gguf.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "tokenizer/tokenizer.h"

// The Vulkan backend is linked whenever its library is part of the build (it then ships this header).
#if defined(HEARTH_HAVE_VULKAN) || __has_include("vulkan/vulkan_backend.h")
#include "vulkan/vulkan_backend.h"
#define HEARTH_EVAL_VULKAN 1
#endif

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

int fail(const std::string& message)
{
    std::fprintf(stderr, "eval: %s\n", message.c_str());
    return 1;
}

bool parseInt(const std::string& text, int& out)
{
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || value < -1 || value > 4096) return false;
    out = int(value);
    return true;
}

int runEval(const std::vector<std::string>& argv)
{
    // Step 1: options.
    const hearth::cli::Args args(argv, { "-m", "-f", "--logits-out", "--backend", "--device", "-t" });
    const auto model = args.value("-m"), promptFile = args.value("-f"), out = args.value("--logits-out");
    const std::string backendName = args.value("--backend", "cpu");
    int device = -1, threads = 0;
    if (!args.error().empty() || !model || !promptFile || !out || !args.positionals().empty()
        || (backendName != "cpu" && backendName != "vulkan")
        || !parseInt(args.value("--device", "-1"), device) || !parseInt(args.value("-t", "0"), threads)) {
        if (!args.error().empty()) std::fprintf(stderr, "eval: %s\n", args.error().c_str());
        std::fprintf(stderr,
            "usage: hearth-cli eval -m MODEL -f PROMPT_FILE --logits-out OUT.f32 "
            "[--backend cpu|vulkan] [--device N] [-t THREADS]\n");
        return 2;
    }

    // Step 2: the prompt text, byte for byte.
    std::ifstream in(*promptFile, std::ios::binary);
    if (!in) return fail("cannot read " + *promptFile);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();

    // Step 3: model file, hyper-parameters, tokenizer, weights.
    auto file = hearth::GgufFile::open(*model);
    if (!file) return fail(file.error().message);
    auto config = hearth::LlamaConfig::fromGguf(**file);
    if (!config) return fail(config.error().message);
    auto tokenizer = hearth::Tokenizer::fromGguf(**file);
    if (!tokenizer) return fail(tokenizer.error().message);
    auto weights = hearth::LlamaWeights::bind(**file, *config);
    if (!weights) return fail(weights.error().message);

    // Step 4: tokens as the reference makes them, printed on one line.
    const std::vector<int32_t> tokens = (*tokenizer)->encode(text, (*tokenizer)->special().addBos, true);
    if (tokens.empty()) return fail("the prompt gives no tokens");
    std::string line;
    for (size_t i = 0; i < tokens.size(); ++i)
        line += (i ? " " : "") + std::to_string(tokens[i]);
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);

    // Step 5: the backend, with a context just long enough for the prompt.
    const uint32_t context = uint32_t(tokens.size());
    hearth::Result<std::unique_ptr<hearth::Backend>> backend
        = hearth::makeError(hearth::ErrorCode::Unsupported, "this build has no Vulkan backend");
    if (backendName == "cpu") {
        hearth::CpuOptions options;
        options.contextLength = context;
        options.threads = threads;
        backend = hearth::createCpuBackend(*weights, *config, options);
    } else {
#ifdef HEARTH_EVAL_VULKAN
        hearth::VulkanOptions options;
        options.deviceIndex = device;
        options.contextLength = context;
        backend = hearth::createVulkanBackend(**file, *weights, *config, options);
#endif
    }
    if (!backend) return fail(backend.error().message);

    // Step 6: logits of every position, written raw.
    std::vector<float> logits(tokens.size() * size_t(config->vocabSize));
    const auto status = (*backend)->forward(tokens, 0, logits);
    if (!status) return fail(status.error().message);
    std::ofstream output(*out, std::ios::binary | std::ios::trunc);
    output.write(
        reinterpret_cast<const char*>(logits.data()), std::streamsize(logits.size() * sizeof(float)));
    if (!output.flush()) return fail("cannot write " + *out);
    std::fprintf(stderr, "eval: %zu positions × %u logits on %s → %s\n", tokens.size(), config->vocabSize,
        (*backend)->deviceName().c_str(), out->c_str());
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND("eval",
    "logits of every prompt position (-m MODEL -f PROMPT_FILE --logits-out OUT.f32 "
    "[--backend cpu|vulkan] [--device N])",
    runEval);
