// hearth-cli summarize FILE [-m MODEL] [--length short|medium|long] [--backend auto|cpu|vulkan]
//                          [--context N] [--threads N] [--max-tokens N]
// Extracts the document, summarizes it part by part with the loaded model (map-reduce, see
// app/documents/summarizer.h), shows progress on stderr and prints the summary on stdout.
// Ctrl-C cancels and prints what was done so far.
#include "args.h"
#include "command.h"
#include "engine.h"
#include "extractor.h"
#include "summarizer.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

using namespace hearth;
using namespace hearth::documents;
namespace fs = std::filesystem;

std::atomic<bool> g_cancel { false };

void onInterrupt(int)
{
    g_cancel.store(true);
}

// The bundled model: beside an installed binary (<prefix>/bin → <prefix>/share/hearth/models), or in the
// source tree's resources/ above a build directory.
std::string bundledModel()
{
    std::error_code error;
    const fs::path exe = fs::read_symlink("/proc/self/exe", error);
    if (error) return {};
    const fs::path installed = exe.parent_path() / ".." / "share" / "hearth" / "models" / "stories260K.gguf";
    if (fs::exists(installed, error)) return fs::weakly_canonical(installed, error).string();
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
        const fs::path candidate = dir / "resources" / "models" / "stories260K.gguf";
        if (fs::exists(candidate, error)) return candidate.string();
    }
    return {};
}

std::string duration(double seconds)
{
    if (seconds < 0) return "?";
    const long s = static_cast<long>(seconds + 0.5);
    char text[32];
    if (s >= 60)
        std::snprintf(text, sizeof text, "%ldm %02lds", s / 60, s % 60);
    else
        std::snprintf(text, sizeof text, "%lds", s);
    return text;
}

void printProgress(const SummaryProgress& p)
{
    std::string where = p.level == 0
        ? "part " + std::to_string(p.part) + " of " + std::to_string(p.partsInLevel)
        : "combining " + std::to_string(p.part) + " of " + std::to_string(p.partsInLevel) + " (level "
            + std::to_string(p.level) + ")";
    if (p.firstPage > 0)
        where += p.firstPage == p.lastPage
            ? ", page " + std::to_string(p.firstPage)
            : ", pages " + std::to_string(p.firstPage) + "–" + std::to_string(p.lastPage);
    std::fprintf(stderr, "[%d/%d] %s %s · %.1f tok/s · ~%s left\n", p.step, p.totalSteps,
        p.finished ? "done" : "summarizing", where.c_str(), p.tokensPerSecond,
        duration(p.secondsLeft).c_str());
}

// A non-negative integer option; nullopt when it is not one (no exceptions on user input).
std::optional<uint32_t> parseCount(const std::string& text)
{
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return static_cast<uint32_t>(std::stoul(text));
}

std::optional<BackendChoice> parseBackend(const std::string& name)
{
    if (name == "auto") return BackendChoice::Auto;
    if (name == "cpu") return BackendChoice::Cpu;
    if (name == "vulkan") return BackendChoice::Vulkan;
    return std::nullopt;
}

// The summarizer's model call on the in-process engine: the system and user messages through the
// model's chat format, low temperature (a summary should follow the text, not wander).
Generate engineGenerate(Engine& engine)
{
    return [&engine](const GenerationRequest& request,
               const std::atomic<bool>* cancel) -> Result<GenerationResult> {
        GenerateRequest generate;
        generate.messages
            = { ChatMessage { "system", request.system }, ChatMessage { "user", request.user } };
        generate.useChat = true;
        generate.maxTokens = request.maxTokens;
        generate.sampler.temperature = 0; // greedy: the same document gives the same summary
        generate.sampler.repeatPenalty = 1.15f;
        GenerationResult result;
        auto stats = engine.generate(
            generate,
            [&](std::string_view piece) {
                result.text.append(piece);
                return true;
            },
            cancel);
        if (!stats) return stats.error();
        result.promptTokens = stats->promptTokens;
        result.generatedTokens = stats->generatedTokens;
        const uint32_t prefilled = stats->promptTokens - stats->reusedTokens;
        result.prefillSeconds
            = stats->prefillTokensPerSecond > 0 ? prefilled / stats->prefillTokensPerSecond : 0;
        result.generateSeconds
            = stats->decodeTokensPerSecond > 0 ? stats->generatedTokens / stats->decodeTokensPerSecond : 0;
        result.cancelled = stats->stopReason == StopReason::Cancelled;
        return result;
    };
}

int summarize(const std::vector<std::string>& arguments)
{
    cli::Args args(
        arguments, { "-m", "--model", "--length", "--backend", "--context", "--threads", "--max-tokens" });
    if (!args.error().empty() || args.positionals().size() != 1) {
        std::fprintf(stderr,
            "%s%susage: hearth-cli summarize FILE [-m MODEL] [--length short|medium|long] "
            "[--backend auto|cpu|vulkan] [--context N] [--threads N] [--max-tokens N]\n",
            args.error().c_str(), args.error().empty() ? "" : "\n");
        return 2;
    }
    const auto length = parseSummaryLength(args.value("--length", "medium"));
    const auto backend = parseBackend(args.value("--backend", "auto"));
    const auto context = parseCount(args.value("--context", "0"));
    const auto threads = parseCount(args.value("--threads", "0"));
    const auto maxTokens = parseCount(args.value("--max-tokens", "0"));
    if (!length || !backend || !context || !threads || !maxTokens) {
        std::fprintf(stderr,
            "hearth-cli summarize: --length is short, medium or long; --backend is auto, cpu or vulkan; "
            "--context, --threads and --max-tokens are numbers\n");
        return 2;
    }
    std::string model = args.value("-m").value_or(args.value("--model", ""));
    if (model.empty()) model = bundledModel();
    if (model.empty()) {
        std::fprintf(
            stderr, "hearth-cli summarize: no model given (-m MODEL) and the bundled model was not found\n");
        return 1;
    }

    // 1. Extraction.
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto document = extract(args.positionals()[0]);
    if (!document) {
        std::fprintf(stderr, "hearth-cli summarize: %s: %s\n", args.positionals()[0].c_str(),
            document.error().message.c_str());
        return 1;
    }
    const double extractSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::fprintf(stderr, "extracted %zu paragraphs%s in %.2f s\n", document->paragraphs.size(),
        document->pageCount > 0 ? (" from " + std::to_string(document->pageCount) + " pages").c_str() : "",
        extractSeconds);

    // 2. The model.
    Engine engine;
    LoadOptions load;
    load.modelPath = model;
    load.backend = *backend;
    load.contextLength = *context;
    load.threads = static_cast<int>(*threads);
    if (auto status = engine.load(load); !status) {
        std::fprintf(stderr, "hearth-cli summarize: %s\n", status.error().message.c_str());
        return 1;
    }
    const ModelInfo& info = engine.info();
    std::fprintf(stderr, "model %s on %s (%s), context %u\n", info.name.c_str(), info.backend.c_str(),
        info.deviceName.c_str(), info.contextLength);
    if (!info.notice.empty()) std::fprintf(stderr, "note: %s\n", info.notice.c_str());

    // 3. Summarize, cancellable with Ctrl-C.
    // The model's own counts: its tokenizer for text, its chat template for whole prompts. The cut is
    // planSummary's rule, the same as the app's.
    TokenCounter counter;
    counter.text = [&engine](std::string_view text) -> uint32_t {
        auto n = engine.countTokens(text);
        return n ? *n : static_cast<uint32_t>(text.size()); // bytes bound the token count from above
    };
    counter.prompt = [&engine](const GenerationRequest& request) -> uint32_t {
        auto n = engine.countPromptTokens(
            { ChatMessage { "system", request.system }, ChatMessage { "user", request.user } });
        return n ? *n : static_cast<uint32_t>(request.system.size() + request.user.size() + 64);
    };
    SummarizerOptions options;
    options.contextTokens = info.contextLength;
    options.length = *length;
    options.maxAnswerTokens = *maxTokens; // per model call; 0: the length's allowance
    Summarizer summarizer(engineGenerate(engine), counter, options);
    std::signal(SIGINT, onInterrupt);
    auto summary = summarizer.summarize(*document, printProgress, &g_cancel);
    std::signal(SIGINT, SIG_DFL);
    if (!summary) {
        std::fprintf(stderr, "hearth-cli summarize: %s\n", summary.error().message.c_str());
        return 1;
    }
    if (summary->cancelled)
        std::fprintf(stderr, "cancelled: what was done covers %s\n", summary->coverage.c_str());
    std::fprintf(stderr,
        "%d part(s), %d level(s), %d model call(s); extraction %.2f s, prefill %.2f s (%u tokens), "
        "generation %.2f s (%u tokens), total %.2f s\n",
        summary->parts, summary->levels, summary->steps, extractSeconds, summary->prefillSeconds,
        summary->promptTokens, summary->generateSeconds, summary->generatedTokens,
        std::chrono::duration<double>(Clock::now() - started).count());
    std::printf("%s\n", summary->text.c_str());
    return summary->cancelled ? 130 : 0;
}

} // namespace

HEARTH_CLI_COMMAND("summarize", "summarize a document (txt, md, html, pdf, docx) with a model", summarize);
