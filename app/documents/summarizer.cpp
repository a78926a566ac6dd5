#include "summarizer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace hearth::documents {

namespace {

constexpr const char* kSystem =
    "You are a careful assistant that summarizes documents faithfully. Use only what the text says.";
constexpr size_t kMaxTitleBytes = 60;        // titles are cut to this in prompts (bounded overhead)
constexpr uint32_t kTitleAllowance = 60;     // tokens reserved for the title: at most one per byte
constexpr int kMaxLevels = 12;               // far beyond what any document needs; a guard, not a limit

const char* lengthInstruction(SummaryLength length)
{
    switch (length) {
    case SummaryLength::Short: return "in two or three sentences";
    case SummaryLength::Medium: return "in one paragraph";
    case SummaryLength::Long: return "in several paragraphs covering every main point";
    }
    return "in one paragraph";
}

std::string shortTitle(const std::string& title)
{
    if (title.size() <= kMaxTitleBytes)
        return title;
    size_t end = kMaxTitleBytes;
    while (end > 0 && (static_cast<unsigned char>(title[end]) & 0xC0) == 0x80)
        --end;
    return title.substr(0, end) + "…";
}

std::string pageRange(int first, int last)
{
    if (first <= 0)
        return {};
    return first == last ? " (page " + std::to_string(first) + ")"
                         : " (pages " + std::to_string(first) + "–" + std::to_string(last) + ")";
}

std::string trimmed(const std::string& text)
{
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Estimated model calls from a level of `parts` inputs to the end: each combining level packs the
// previous summaries (at most `answer` tokens each) into parts of `budget` tokens.
int remainingSteps(int parts, uint32_t answer, uint32_t budget)
{
    int steps = 0;
    while (parts > 1) {
        const uint64_t tokens = static_cast<uint64_t>(parts) * (answer + 2);
        int next = static_cast<int>((tokens + budget - 1) / budget);
        next = std::clamp(next, 1, parts - 1);
        steps += next;
        parts = next;
    }
    return steps;
}

}  // namespace

std::optional<SummaryLength> parseSummaryLength(const std::string& name)
{
    if (name == "short")
        return SummaryLength::Short;
    if (name == "medium")
        return SummaryLength::Medium;
    if (name == "long")
        return SummaryLength::Long;
    return std::nullopt;
}

uint32_t answerTokens(SummaryLength length)
{
    switch (length) {
    case SummaryLength::Short: return 128;
    case SummaryLength::Medium: return 320;
    case SummaryLength::Long: return 768;
    }
    return 320;
}

Summarizer::Summarizer(Generate generate, CountTokens countTokens, SummarizerOptions options)
    : m_generate(std::move(generate)), m_count(std::move(countTokens)), m_options(options)
{
    // Room for the prompt's fixed words: the system message, the longest instruction, the title and
    // the chat template's own tokens.
    const GenerationRequest longest = request(std::string(), std::string(), 1, false, 0, 0);
    const uint32_t overhead = m_count(longest.system) + m_count(longest.user) + kTitleAllowance + options.templateTokens;
    if (options.contextTokens <= overhead + 16) {
        m_error = "the model's context (" + std::to_string(options.contextTokens) + " tokens) is too small to summarize with";
        return;
    }
    const uint32_t room = options.contextTokens - overhead;
    // The answer takes at most a quarter of the room, so a part holds at least three summaries and
    // every combining level shrinks the number of parts.
    m_answer = std::min(answerTokens(options.length), room / 4);
    if (options.maxAnswerTokens > 0)
        m_answer = std::min(m_answer, options.maxAnswerTokens);
    m_budget = room - m_answer;
    m_options.overlapTokens = std::min(m_options.overlapTokens, m_budget / 8);
}

GenerationRequest Summarizer::request(const std::string& title, const std::string& text, int level, bool single,
                                      int firstPage, int lastPage) const
{
    const std::string name = title.empty() ? std::string("the document") : "the document \"" + shortTitle(title) + "\"";
    GenerationRequest r;
    r.system = kSystem;
    r.maxTokens = m_answer;
    const char* length = lengthInstruction(m_options.length);
    if (single)
        r.user = std::string("Summarize ") + name + " " + length + ".\n\n" + text;
    else if (level == 0)
        r.user = std::string("Summarize this part of ") + name + pageRange(firstPage, lastPage) + " " + length +
                 ". It is one of several consecutive parts.\n\n" + text;
    else
        r.user = std::string("These are summaries of consecutive parts of ") + name +
                 ". Combine them into one coherent summary " + length + ", in order, without repeating.\n\n" + text;
    return r;
}

Result<Summary> Summarizer::summarize(const Document& document, const ProgressFn& progress,
                                      const std::atomic<bool>* cancel)
{
    if (!m_error.empty())
        return makeError(ErrorCode::InvalidArgument, m_error);
    if (!m_generate || !m_count)
        return makeError(ErrorCode::InvalidArgument, "summarizer has no model functions");

    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    Summary summary;

    // Level 0: the document's parts.
    auto chunks = chunkParagraphs(document.paragraphs, ChunkOptions{m_budget, m_options.overlapTokens}, m_count);
    if (!chunks)
        return chunks.error();
    if (chunks->empty())
        return makeError(ErrorCode::BadFormat, "the document has no text to summarize");
    summary.parts = static_cast<int>(chunks->size());

    int totalSteps = summary.parts + remainingSteps(summary.parts, m_answer, m_budget);
    int stepsDone = 0;
    auto isCancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };

    // Runs one model call with progress before and after; appends the answer to `outputs`.
    auto step = [&](const GenerationRequest& req, SummaryProgress p, std::vector<std::string>& outputs) -> Status {
        p.step = stepsDone + 1;
        p.totalSteps = totalSteps;
        p.tokensPerSecond = summary.generateSeconds > 0 ? summary.generatedTokens / summary.generateSeconds : 0;
        const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        p.secondsLeft = stepsDone > 0 ? elapsed / stepsDone * (totalSteps - stepsDone) : -1;
        if (progress)
            progress(p);
        auto result = m_generate(req, cancel);
        if (!result) {
            if (result.error().code == ErrorCode::Cancelled)
                return makeError(ErrorCode::Cancelled, "cancelled");
            return result.error();
        }
        summary.promptTokens += result->promptTokens;
        summary.generatedTokens += result->generatedTokens;
        summary.prefillSeconds += result->prefillSeconds;
        summary.generateSeconds += result->generateSeconds;
        ++summary.steps;
        if (result->cancelled || isCancelled()) {
            // Keep the words already generated for this part: they are part of what was done.
            const std::string partial = trimmed(result->text);
            if (!partial.empty())
                outputs.push_back(partial + " […]");
            return makeError(ErrorCode::Cancelled, "cancelled");
        }
        outputs.push_back(trimmed(result->text));
        ++stepsDone;
        p.step = stepsDone;
        p.finished = true;
        p.tokensPerSecond = summary.generateSeconds > 0 ? summary.generatedTokens / summary.generateSeconds : 0;
        const double now = std::chrono::duration<double>(Clock::now() - started).count();
        p.secondsLeft = now / stepsDone * (totalSteps - stepsDone);
        if (progress)
            progress(p);
        return Ok{};
    };

    // What was done when cancelled: the summaries of this level so far, then the inputs not yet
    // combined (summaries of the level before), so the text still covers what had been summarized.
    auto finishCancelled = [&](const std::vector<std::string>& done, const std::vector<std::string>& pendingInputs,
                               int level, size_t nextInput, size_t inputCount) {
        std::vector<std::string> parts = done;
        if (level > 0)
            parts.insert(parts.end(), pendingInputs.begin() + static_cast<long>(std::min(nextInput, pendingInputs.size())),
                         pendingInputs.end());
        std::string text;
        for (const std::string& p : parts) {
            if (p.empty())
                continue;
            if (!text.empty())
                text += "\n\n";
            text += p;
        }
        summary.text = text;
        summary.cancelled = true;
        summary.coverage = level == 0 ? "parts 1–" + std::to_string(done.size()) + " of " + std::to_string(inputCount)
                                      : "all parts, not fully combined";
        if (level == 0 && done.empty())
            summary.coverage = "nothing (cancelled before the first part finished)";
        summary.levels = level + 1;
        return summary;
    };

    const bool single = chunks->size() == 1;
    std::vector<std::string> outputs;
    for (size_t i = 0; i < chunks->size(); ++i) {
        const Chunk& chunk = (*chunks)[i];
        if (isCancelled())
            return finishCancelled(outputs, {}, 0, 0, chunks->size());
        SummaryProgress p;
        p.level = 0;
        p.part = static_cast<int>(i + 1);
        p.partsInLevel = static_cast<int>(chunks->size());
        p.firstPage = chunk.firstPage();
        p.lastPage = chunk.lastPage();
        const auto req = request(document.title, chunk.text(), 0, single, chunk.firstPage(), chunk.lastPage());
        const Status status = step(req, p, outputs);
        if (!status) {
            if (status.error().code == ErrorCode::Cancelled)
                return finishCancelled(outputs, {}, 0, 0, chunks->size());
            return status.error();
        }
    }
    summary.partSummaries = outputs;
    summary.levels = 1;

    // Combining levels: the summaries become paragraphs, chunked and summarized again until one remains.
    int level = 0;
    // Empty answers carry nothing to combine; dropping them keeps paragraph indices equal to indices
    // into `outputs`.
    auto dropEmpty = [](std::vector<std::string>& texts) {
        texts.erase(std::remove(texts.begin(), texts.end(), std::string()), texts.end());
    };
    dropEmpty(outputs);
    while (outputs.size() > 1) {
        ++level;
        if (level > kMaxLevels)
            return makeError(ErrorCode::Internal, "summaries did not converge (model answers longer than allowed?)");
        std::vector<Paragraph> paragraphs;
        for (const std::string& s : outputs)
            paragraphs.push_back(Paragraph{s, 0});
        auto groups = chunkParagraphs(paragraphs, ChunkOptions{m_budget, 0}, m_count);
        if (!groups)
            return groups.error();
        // Now the size of this level is known: correct the estimate.
        totalSteps = stepsDone + static_cast<int>(groups->size()) + remainingSteps(static_cast<int>(groups->size()), m_answer, m_budget);
        std::vector<std::string> next;
        size_t consumed = 0;  // inputs covered by finished groups (for the cancelled text)
        for (size_t g = 0; g < groups->size(); ++g) {
            const Chunk& group = (*groups)[g];
            if (isCancelled())
                return finishCancelled(next, outputs, level, consumed, groups->size());
            SummaryProgress p;
            p.level = level;
            p.part = static_cast<int>(g + 1);
            p.partsInLevel = static_cast<int>(groups->size());
            const Status status = step(request(document.title, group.text(), level, false, 0, 0), p, next);
            if (!status) {
                if (status.error().code == ErrorCode::Cancelled) {
                    // A partly generated combination replaces nothing: keep the inputs it was combining.
                    if (next.size() > g)
                        next.pop_back();
                    return finishCancelled(next, outputs, level, consumed, groups->size());
                }
                return status.error();
            }
            consumed = group.pieces.back().paragraph + 1;
        }
        if (next.size() >= outputs.size())
            return makeError(ErrorCode::Internal, "summaries did not get shorter; giving up");
        outputs = std::move(next);
        dropEmpty(outputs);
    }
    summary.levels = level + 1;
    summary.text = outputs.empty() ? std::string() : outputs.front();
    return summary;
}

}  // namespace hearth::documents
