#include "summaryplan.h"

#include <algorithm>

namespace hearth::documents {

namespace {

constexpr const char* kSystem
    = "You are a careful assistant that summarizes documents faithfully. Use only what the text says.";
constexpr size_t kMaxTitleBytes = 60; // titles are cut to this in prompts (bounded overhead)
// Tokens a title may add to a prompt measured without one: the quotes, the cut title and its "…",
// at most one token per byte under every tokenizer we load (byte-level BPE, SentencePiece with byte
// fallback).
constexpr uint32_t kTitleAllowance = kMaxTitleBytes + 8;
// A prompt's count is measured without its text, and the text is counted alone: where the two meet,
// the tokenizer may cut a few tokens differently (SentencePiece's leading "▁", merges across the
// blank line). This covers that seam.
constexpr uint32_t kSeamSlack = 8;
constexpr int kWidestPage = 99999; // the widest page numbers a part's instruction can name

const char* lengthInstruction(SummaryLength length)
{
    switch (length) {
    case SummaryLength::Short:
        return "in two or three sentences";
    case SummaryLength::Medium:
        return "in one paragraph";
    case SummaryLength::Long:
        return "in several paragraphs covering every main point";
    }
    return "in one paragraph";
}

std::string shortTitle(const std::string& title)
{
    if (title.size() <= kMaxTitleBytes) return title;
    size_t end = kMaxTitleBytes;
    while (end > 0 && (static_cast<unsigned char>(title[end]) & 0xC0) == 0x80)
        --end;
    return title.substr(0, end) + "…";
}

std::string pageRange(int first, int last)
{
    if (first <= 0) return {};
    return first == last ? " (page " + std::to_string(first) + ")"
                         : " (pages " + std::to_string(first) + "–" + std::to_string(last) + ")";
}

} // namespace

std::optional<SummaryLength> parseSummaryLength(const std::string& name)
{
    if (name == "short") return SummaryLength::Short;
    if (name == "medium") return SummaryLength::Medium;
    if (name == "long") return SummaryLength::Long;
    return std::nullopt;
}

uint32_t answerTokens(SummaryLength length)
{
    switch (length) {
    case SummaryLength::Short:
        return 128;
    case SummaryLength::Medium:
        return 320;
    case SummaryLength::Long:
        return 768;
    }
    return 320;
}

TokenCounter textOnlyCounter(CountTokens count, uint32_t templateTokens)
{
    TokenCounter counter;
    counter.text = count;
    counter.prompt = [count, templateTokens](const GenerationRequest& request) {
        return count(request.system) + count(request.user) + templateTokens;
    };
    return counter;
}

GenerationRequest stepRequest(StepKind kind, const std::string& title, const std::string& text,
    SummaryLength length, uint32_t maxTokens, int firstPage, int lastPage)
{
    const std::string name
        = title.empty() ? std::string("the document") : "the document \"" + shortTitle(title) + "\"";
    const char* how = lengthInstruction(length);
    GenerationRequest r;
    r.system = kSystem;
    r.maxTokens = maxTokens;
    switch (kind) {
    case StepKind::Whole:
        r.user = std::string("Summarize ") + name + " " + how + ".\n\n" + text;
        break;
    case StepKind::Part:
        r.user = std::string("Summarize this part of ") + name + pageRange(firstPage, lastPage) + " " + how
            + ". It is one of several consecutive parts.\n\n" + text;
        break;
    case StepKind::Combine:
        r.user = std::string("These are summaries of consecutive parts of ") + name
            + ". Combine them into one coherent summary " + how + ", in order, without repeating.\n\n" + text;
        break;
    }
    return r;
}

Result<SummaryPlan> planSummary(const TokenCounter& counter, const SummarizerOptions& options)
{
    if (!counter.text || !counter.prompt)
        return makeError(ErrorCode::InvalidArgument, "the summarizer has no token counter");
    // Step 1: the largest prompt without its text, measured through the model's template: each kind
    // of step, with the widest page range, plus what a title and the seam to the text may add.
    uint32_t widest = 0;
    for (const StepKind kind : { StepKind::Whole, StepKind::Part, StepKind::Combine })
        widest = std::max(
            widest, counter.prompt(stepRequest(kind, {}, {}, options.length, 0, kWidestPage, kWidestPage)));
    SummaryPlan plan;
    plan.overhead = widest + kTitleAllowance + kSeamSlack;

    // Step 2: what is left is shared by the reply and the text. The reply takes at most a quarter, so
    // one combining step holds at least three summaries and every level shrinks the count.
    if (options.contextTokens < plan.overhead + 64)
        return makeError(ErrorCode::InvalidArgument,
            "the model's context (" + std::to_string(options.contextTokens)
                + " tokens) is too small to summarize with: the prompt alone takes "
                + std::to_string(plan.overhead) + "; load it with a larger context");
    const uint32_t room = options.contextTokens - plan.overhead;
    plan.answer = std::min(answerTokens(options.length), room / 4);
    if (options.maxAnswerTokens > 0) plan.answer = std::min(plan.answer, options.maxAnswerTokens);
    plan.textBudget = room - plan.answer;
    plan.overlap = std::min(options.overlapTokens, plan.textBudget / 8);
    return plan;
}

} // namespace hearth::documents
