// How a document is cut for one model: the one place that decides it, for the app and the CLI alike.
// Given the context length, the reply budget and the prompt of every kind of step (one pass over the
// whole document, one part of it, a combination of part summaries) measured through the model's own
// tokenizer and chat template, it says how many tokens of text one step may carry so that
//     prompt (template + instruction + text) + reply <= context
// holds for every step, the combining steps included.
#pragma once

#include "chunker.h"
#include "util/result.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace hearth::documents {

enum class SummaryLength { Short, Medium, Long };

std::optional<SummaryLength> parseSummaryLength(const std::string& name); // "short" | "medium" | "long"
uint32_t answerTokens(SummaryLength length); // the length's token allowance

// One call of the model: a system and a user message, at most `maxTokens` of answer.
struct GenerationRequest {
    std::string system;
    std::string user;
    uint32_t maxTokens = 256;
};

// Tokens of a whole prompt as the model would be given it: both messages through the chat template.
using CountPrompt = std::function<uint32_t(const GenerationRequest& request)>;

// The model's token counts. Where they come from another process (the app's engine), a count may be
// an estimate while the exact one is on its way: `pending` then says so, and a plan made with it is
// made again once the counts are in (tokencounts.h). Null `pending`: every count is exact.
struct TokenCounter {
    CountTokens text;
    CountPrompt prompt;
    std::function<bool()> pending;

    bool waiting() const { return pending && pending(); }
};

// For counters that know the tokenizer but not the chat template: a prompt is its two messages plus a
// fixed allowance for the template's own tokens.
TokenCounter textOnlyCounter(CountTokens count, uint32_t templateTokens);

struct SummarizerOptions {
    uint32_t contextTokens = 4096; // the loaded model's context
    SummaryLength length = SummaryLength::Medium;
    uint32_t overlapTokens = 64; // repeated between consecutive parts
    uint32_t templateTokens = 48; // textOnlyCounter's allowance (unused with a template-aware counter)
    uint32_t maxAnswerTokens = 0; // caps the length's answer allowance (0: no cap); for quick runs and tests
};

enum class StepKind {
    Whole, // the document fits one prompt
    Part, // one part of the document (level 0)
    Combine, // part summaries combined (levels 1+)
};

// The prompt of one step; `text` is the document part or the joined summaries.
GenerationRequest stepRequest(StepKind kind, const std::string& title, const std::string& text,
    SummaryLength length, uint32_t maxTokens, int firstPage = 0, int lastPage = 0);

struct SummaryPlan {
    uint32_t answer = 0; // reply tokens of every step
    uint32_t textBudget = 0; // tokens of text (a part, or joined summaries) one step may carry
    uint32_t overlap = 0; // tokens repeated between consecutive parts
    uint32_t overhead = 0; // the largest prompt without its text: template, instruction, title, slack
};

// The cutting rule. Fails when the context cannot hold a useful step. When the counter is still
// waiting for counts the plan is provisional: make it again once they are in.
Result<SummaryPlan> planSummary(const TokenCounter& counter, const SummarizerOptions& options);

} // namespace hearth::documents
