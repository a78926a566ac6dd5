// Map-reduce summarization. If the whole document fits the context with room for the answer it is
// summarized in one pass; otherwise each part (chunker.h) is summarized, then the part summaries are
// combined — chunked and summarized again — until one remains. The model is reached through an injected
// function, so the CLI and the app wire the real Engine and tests a fake.
#pragma once

#include "chunker.h"
#include "document.h"
#include "util/result.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hearth::documents {

enum class SummaryLength { Short, Medium, Long };

std::optional<SummaryLength> parseSummaryLength(const std::string& name);  // "short" | "medium" | "long"
uint32_t answerTokens(SummaryLength length);                               // the length's token allowance

// One call of the model: a system and a user message, at most `maxTokens` of answer.
struct GenerationRequest {
    std::string system;
    std::string user;
    uint32_t maxTokens = 256;
};

struct GenerationResult {
    std::string text;
    uint32_t promptTokens = 0;
    uint32_t generatedTokens = 0;
    double prefillSeconds = 0;
    double generateSeconds = 0;
    bool cancelled = false;  // stopped by the cancel flag; `text` holds what was generated until then
};

using Generate = std::function<Result<GenerationResult>(const GenerationRequest& request, const std::atomic<bool>* cancel)>;

struct SummaryProgress {
    int step = 0;             // 1-based step about to run (or just finished, when `finished`)
    int totalSteps = 0;       // estimate; exact once the last level is known
    int level = 0;            // 0: summarizing the document's parts; 1+: combining summaries
    int part = 0;             // 1-based part within the level
    int partsInLevel = 0;
    int firstPage = 0;        // pages covered by this part (level 0 of a paged document), else 0
    int lastPage = 0;
    double tokensPerSecond = 0;  // generation speed so far
    double secondsLeft = -1;     // estimate; -1 until a step has been timed
    bool finished = false;       // the step has completed
};

using ProgressFn = std::function<void(const SummaryProgress&)>;

struct SummarizerOptions {
    uint32_t contextTokens = 4096;  // the loaded model's context
    SummaryLength length = SummaryLength::Medium;
    uint32_t overlapTokens = 64;    // repeated between consecutive parts
    uint32_t templateTokens = 48;   // allowance for the chat template's own tokens around the messages
    uint32_t maxAnswerTokens = 0;   // caps the length's answer allowance (0: no cap); for quick runs and tests
};

struct Summary {
    std::string text;  // the summary; when cancelled, what was done (see coverage)
    bool cancelled = false;
    std::string coverage;  // e.g. "parts 1–3 of 7" when cancelled before the end; empty when complete
    int parts = 0;          // parts at level 0
    int levels = 0;         // 1 for a single pass
    int steps = 0;          // model calls made
    std::vector<std::string> partSummaries;  // level-0 summaries, in order (one pass: the summary itself)
    // Totals over all model calls.
    uint32_t promptTokens = 0;
    uint32_t generatedTokens = 0;
    double prefillSeconds = 0;
    double generateSeconds = 0;
};

class Summarizer {
public:
    Summarizer(Generate generate, CountTokens countTokens, SummarizerOptions options);

    // Runs to the end or until `cancel` is set (checked between steps and inside each generation).
    Result<Summary> summarize(const Document& document, const ProgressFn& progress = {},
                              const std::atomic<bool>* cancel = nullptr);

    // Token budget for the text of one part, and the answer allowance (shrunk for small contexts).
    uint32_t partBudget() const { return m_budget; }
    uint32_t answerBudget() const { return m_answer; }

private:
    GenerationRequest request(const std::string& title, const std::string& text, int level, bool single, int firstPage,
                              int lastPage) const;

    Generate m_generate;
    CountTokens m_count;
    SummarizerOptions m_options;
    uint32_t m_answer = 0;
    uint32_t m_budget = 0;
    std::string m_error;  // set when the context is too small to summarize anything
};

}  // namespace hearth::documents
