// hearth-cli generate -m MODEL -p PROMPT [-n N] [--temp T] [--seed S] [--chat] [--system S]
//                     [--backend cpu|vulkan|auto] [--device N] [--top-k K] [--top-p P] [--min-p P]
//                     [--repeat-penalty R] [-c CTX] [--special]
// Streams the reply to stdout as it is produced; load notices and the speeds go to stderr.
#include "args.h"
#include "command.h"
#include "engine.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace {

using hearth::cli::Args;

// Number options without exceptions: false (and a message) when the text is not a number.
bool parseDouble(const Args& args, const char* option, double& out)
{
    const auto text = args.value(option);
    if (!text) return true;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text->c_str(), &end);
    if (end == text->c_str() || *end != '\0' || errno == ERANGE) {
        std::fprintf(stderr, "generate: %s expects a number, got '%s'\n", option, text->c_str());
        return false;
    }
    out = v;
    return true;
}

const char* stopName(hearth::StopReason reason)
{
    switch (reason) {
    case hearth::StopReason::EndOfTurn:
        return "end of turn";
    case hearth::StopReason::MaxTokens:
        return "token limit";
    case hearth::StopReason::ContextFull:
        return "context full";
    case hearth::StopReason::Cancelled:
        return "cancelled";
    }
    return "";
}

int runGenerate(const std::vector<std::string>& argv)
{
    const Args args(argv,
        { "-m", "-p", "-n", "--temp", "--seed", "--system", "--backend", "--device", "--top-k", "--top-p",
            "--min-p", "--repeat-penalty", "-c", "-t" });
    if (!args.error().empty()) {
        std::fprintf(stderr, "generate: %s\n", args.error().c_str());
        return 2;
    }
    const auto model = args.value("-m");
    const auto prompt = args.value("-p");
    if (!model || !prompt) {
        std::fprintf(stderr,
            "usage: hearth-cli generate -m MODEL -p PROMPT [-n N] [--temp T] [--seed S] [--chat] "
            "[--system S] [--backend cpu|vulkan|auto] [--device N] [--top-k K] [--top-p P] [--min-p P] "
            "[--repeat-penalty R] [-c CTX] [-t THREADS] [--special]\n");
        return 2;
    }

    hearth::GenerateRequest request;
    // As llama.cpp: no repetition penalty unless asked for, so --temp 0 is the model's own argmax.
    request.sampler.repeatPenalty = 1.0f;
    double maxTokens = 128, temp = request.sampler.temperature, seed = 0, topK = request.sampler.topK,
           topP = request.sampler.topP, minP = request.sampler.minP, penalty = request.sampler.repeatPenalty,
           device = -1, context = 0, threads = 0;
    if (!parseDouble(args, "-n", maxTokens) || !parseDouble(args, "--temp", temp)
        || !parseDouble(args, "--seed", seed) || !parseDouble(args, "--top-k", topK)
        || !parseDouble(args, "--top-p", topP) || !parseDouble(args, "--min-p", minP)
        || !parseDouble(args, "--repeat-penalty", penalty) || !parseDouble(args, "--device", device)
        || !parseDouble(args, "-c", context) || !parseDouble(args, "-t", threads)) {
        return 2;
    }
    if (maxTokens < 0 || context < 0 || threads < 0 || seed < 0) {
        std::fprintf(stderr, "generate: -n, -c, -t and --seed must not be negative\n");
        return 2;
    }

    hearth::LoadOptions load;
    load.modelPath = *model;
    load.contextLength = static_cast<uint32_t>(context);
    load.deviceIndex = static_cast<int>(device);
    load.threads = static_cast<int>(threads);
    const auto backend = hearth::cli::backendChoice(args.value("--backend", "auto"));
    if (!backend) {
        std::fprintf(stderr, "generate: --backend must be cpu, vulkan or auto\n");
        return 2;
    }
    load.backend = *backend;

    hearth::Engine engine;
    if (auto status = engine.load(load); !status) {
        std::fprintf(stderr, "generate: %s\n", status.error().message.c_str());
        return 1;
    }
    // What the load said, on stderr: all of it for a conversation; for a raw prompt, which does not
    // use the chat format, only the device's part, and a pointer to --chat when the model is a chat model.
    const auto& info = engine.info();
    const bool chat = args.has("--chat");
    const std::string& notice = chat ? info.notice : info.deviceNotice;
    if (!notice.empty()) std::fprintf(stderr, "%s\n", notice.c_str());
    if (!chat && info.chatFormat != "plain")
        std::fprintf(stderr,
            "This is a chat model: the prompt is continued as plain text. Add --chat to talk to it.\n");

    request.maxTokens = static_cast<uint32_t>(maxTokens);
    request.sampler.temperature = static_cast<float>(temp);
    request.sampler.seed = static_cast<uint64_t>(seed);
    request.sampler.topK = static_cast<int>(topK);
    request.sampler.topP = static_cast<float>(topP);
    request.sampler.minP = static_cast<float>(minP);
    request.sampler.repeatPenalty = static_cast<float>(penalty);
    request.useChat = chat;
    request.parseSpecial = args.has("--special");
    if (request.useChat) {
        if (const auto system = args.value("--system")) request.messages.push_back({ "system", *system });
        request.messages.push_back({ "user", *prompt });
    } else {
        request.rawPrompt = *prompt;
        // A raw prompt is continued: echo it so the output reads as one text.
        std::fputs(prompt->c_str(), stdout);
    }

    auto stats = engine.generate(request, [](std::string_view piece) {
        std::fwrite(piece.data(), 1, piece.size(), stdout);
        std::fflush(stdout);
        return true;
    });
    std::fputs("\n", stdout);
    std::fflush(stdout);
    if (!stats) {
        std::fprintf(stderr, "generate: %s\n", stats.error().message.c_str());
        return 1;
    }
    std::fprintf(stderr,
        "[%s on %s] prompt %u tokens (%u reused), generated %u (%s); TTFT %.1f ms; "
        "prefill %.1f tokens/s, decode %.1f tokens/s\n",
        info.backend.c_str(), info.deviceName.c_str(), stats->promptTokens, stats->reusedTokens,
        stats->generatedTokens, stopName(stats->stopReason), stats->timeToFirstTokenMs,
        stats->prefillTokensPerSecond, stats->decodeTokensPerSecond);
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(
    "generate", "generate text (-m MODEL -p PROMPT [-n N] [--temp T] [--chat] ...)", runGenerate);
