#include "summaryrun.h"

#include <algorithm>

namespace hearth::documents {

namespace {

constexpr int kMaxLevels = 12; // far beyond what any document needs; a guard, not a limit

std::string trimmed(const std::string& text)
{
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
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

// A summary longer than its allowance (a model's answer re-read by the tokenizer can come out longer
// than it was written) is cut to it at a word boundary. So a combining step always holds two or more
// summaries, and every level has fewer than the one before.
std::string cutToTokens(const std::string& text, uint32_t limit, const CountTokens& count)
{
    if (count(text) <= limit) return text;
    std::vector<size_t> wordEnds;
    for (size_t i = 1; i < text.size(); ++i)
        if (text[i] == ' ' && text[i - 1] != ' ') wordEnds.push_back(i);
    size_t low = 0, high = wordEnds.size(); // words kept
    while (low < high) {
        const size_t mid = (low + high + 1) / 2;
        if (count(std::string_view(text).substr(0, wordEnds[mid - 1])) <= limit)
            low = mid;
        else
            high = mid - 1;
    }
    if (low == 0) {
        // One word longer than the allowance: its first bytes (at most one token each), whole characters.
        size_t end = std::min<size_t>(text.size(), limit);
        while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
            --end;
        return text.substr(0, end);
    }
    return text.substr(0, wordEnds[low - 1]);
}

} // namespace

SummaryRun::SummaryRun(Document document, SummarizerOptions options, TokenCounter counter)
    : m_document(std::move(document))
    , m_options(options)
    , m_counter(std::move(counter))
    , m_started(std::chrono::steady_clock::now())
{
}

Result<SummaryRun::Step> SummaryRun::next()
{
    if (m_done) return Step {};
    // Step 1: the cutting rule for this model and context.
    if (!m_planned) {
        auto plan = planSummary(m_counter, m_options);
        if (m_counter.waiting()) return Step { Action::Count, {}, {} };
        if (!plan) return plan.error();
        m_plan = *plan;
        m_planned = true;
    }
    // Step 2: this level's parts; a finished level hands its answers to the next one.
    for (;;) {
        if (!m_levelPlanned) {
            auto planned = planLevel();
            if (!planned) return planned.error();
            if (!*planned) return Step { Action::Count, {}, {} };
        }
        if (m_next < m_groups.size()) break;
        if (Status closed = closeLevel(); !closed) return closed.error();
        if (m_done) return Step {};
    }
    // Step 3: the prompt of the next part, checked against the context with its reply.
    const Chunk& part = m_groups[m_next];
    const bool paged = m_level == 0;
    const StepKind kind = m_level > 0 ? StepKind::Combine
        : m_groups.size() == 1        ? StepKind::Whole
                                      : StepKind::Part;
    Step step;
    step.action = Action::Generate;
    step.request = stepRequest(kind, m_document.title, part.text(), m_options.length, m_plan.answer,
        paged ? part.firstPage() : 0, paged ? part.lastPage() : 0);
    const uint32_t tokens = m_counter.prompt(step.request);
    if (m_counter.waiting()) return Step { Action::Count, {}, {} };
    if (tokens + m_plan.answer > m_options.contextTokens)
        return makeError(ErrorCode::Internal,
            "part " + std::to_string(m_next + 1) + " came to " + std::to_string(tokens)
                + " prompt tokens, more than the context of " + std::to_string(m_options.contextTokens)
                + " holds with " + std::to_string(m_plan.answer) + " for the reply");
    SummaryProgress& p = step.progress;
    p.step = m_stepsDone + 1;
    p.totalSteps = m_totalSteps;
    p.level = m_level;
    p.part = static_cast<int>(m_next + 1);
    p.partsInLevel = static_cast<int>(m_groups.size());
    p.firstPage = paged ? part.firstPage() : 0;
    p.lastPage = paged ? part.lastPage() : 0;
    p.tokensPerSecond
        = m_summary.generateSeconds > 0 ? m_summary.generatedTokens / m_summary.generateSeconds : 0;
    p.secondsLeft = secondsLeft();
    m_current = p;
    return step;
}

Result<bool> SummaryRun::planLevel()
{
    if (m_level == 0) {
        auto chunks = chunkParagraphs(
            m_document.paragraphs, ChunkOptions { m_plan.textBudget, m_plan.overlap }, m_counter.text);
        if (m_counter.waiting()) return false;
        if (!chunks) return chunks.error();
        if (chunks->empty()) return makeError(ErrorCode::BadFormat, "the document has no text to summarize");
        m_groups = std::move(*chunks);
        m_summary.parts = static_cast<int>(m_groups.size());
        m_totalSteps = m_summary.parts + remainingSteps(m_summary.parts, m_plan.answer, m_plan.textBudget);
    } else {
        if (m_level > kMaxLevels)
            return makeError(
                ErrorCode::Internal, "summaries did not converge (model answers longer than allowed?)");
        // The summaries become paragraphs, cut by the same budget: a combining prompt fits like a part's.
        std::vector<Paragraph> paragraphs;
        for (const std::string& s : m_inputs)
            paragraphs.push_back(Paragraph { cutToTokens(s, m_plan.answer, m_counter.text), 0 });
        if (m_counter.waiting()) return false;
        auto groups = chunkParagraphs(paragraphs, ChunkOptions { m_plan.textBudget, 0 }, m_counter.text);
        if (m_counter.waiting()) return false;
        if (!groups) return groups.error();
        m_groups = std::move(*groups);
        // Now the size of this level is known: correct the estimate.
        const int count = static_cast<int>(m_groups.size());
        m_totalSteps = m_stepsDone + count + remainingSteps(count, m_plan.answer, m_plan.textBudget);
    }
    m_next = 0;
    m_consumed = 0;
    m_outputs.clear();
    m_levelPlanned = true;
    return true;
}

Status SummaryRun::closeLevel()
{
    if (m_level == 0) {
        m_summary.partSummaries = m_outputs;
    } else if (m_outputs.size() >= m_inputs.size()) {
        return makeError(ErrorCode::Internal, "summaries did not get shorter; giving up");
    }
    // Empty answers carry nothing to combine.
    m_outputs.erase(std::remove(m_outputs.begin(), m_outputs.end(), std::string()), m_outputs.end());
    m_inputs = std::exchange(m_outputs, {});
    if (m_inputs.size() <= 1) {
        m_done = true;
        m_summary.levels = m_level + 1;
        m_summary.text = m_inputs.empty() ? std::string() : m_inputs.front();
        return Ok {};
    }
    ++m_level;
    m_levelPlanned = false;
    m_groups.clear();
    return Ok {};
}

void SummaryRun::account(const GenerationResult& result)
{
    m_summary.promptTokens += result.promptTokens;
    m_summary.generatedTokens += result.generatedTokens;
    m_summary.prefillSeconds += result.prefillSeconds;
    m_summary.generateSeconds += result.generateSeconds;
    ++m_summary.steps;
}

void SummaryRun::answer(const GenerationResult& result)
{
    account(result);
    m_outputs.push_back(trimmed(result.text));
    ++m_stepsDone;
    if (m_level > 0 && m_next < m_groups.size()) m_consumed = m_groups[m_next].pieces.back().paragraph + 1;
    ++m_next;
}

Summary SummaryRun::stop(const GenerationResult& partial)
{
    const bool called = partial.promptTokens > 0 || partial.generatedTokens > 0 || !partial.text.empty();
    if (called) account(partial);
    // What was done: this level's answers, then — when combining — the inputs not yet combined, so the
    // text still covers everything summarized. A partly written part summary is kept, marked; a partly
    // written combination replaces nothing.
    std::vector<std::string> parts = m_outputs;
    if (m_level == 0) {
        const std::string written = trimmed(partial.text);
        if (!written.empty()) parts.push_back(written + " […]");
        m_summary.coverage = parts.empty() ? "nothing (stopped before the first part finished)"
                                           : "parts 1–" + std::to_string(parts.size()) + " of "
                + std::to_string(std::max(m_groups.size(), parts.size()));
    } else {
        parts.insert(parts.end(), m_inputs.begin() + static_cast<long>(std::min(m_consumed, m_inputs.size())),
            m_inputs.end());
        m_summary.coverage = "all parts, not fully combined";
    }
    std::string text;
    for (const std::string& p : parts) {
        if (p.empty()) continue;
        if (!text.empty()) text += "\n\n";
        text += p;
    }
    m_summary.text = text;
    m_summary.cancelled = true;
    m_summary.levels = m_level + 1;
    m_done = true;
    return m_summary;
}

double SummaryRun::secondsLeft() const
{
    if (m_stepsDone == 0) return -1;
    const double elapsed
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    return elapsed / m_stepsDone * (m_totalSteps - m_stepsDone);
}

SummaryProgress SummaryRun::finishedProgress() const
{
    SummaryProgress p = m_current;
    p.step = m_stepsDone;
    p.totalSteps = m_totalSteps;
    p.finished = true;
    p.tokensPerSecond
        = m_summary.generateSeconds > 0 ? m_summary.generatedTokens / m_summary.generateSeconds : 0;
    p.secondsLeft = secondsLeft();
    return p;
}

} // namespace hearth::documents
