// The summarizer for callers that may wait: drives a SummaryRun (summaryrun.h) to the end, calling the
// model through an injected function — the CLI wires the in-process Engine, tests a fake. How the
// document is cut is planSummary's rule (summaryplan.h), the same as in the app.
#pragma once

#include "summaryrun.h"

#include <atomic>
#include <functional>

namespace hearth::documents {

using Generate = std::function<Result<GenerationResult>(
    const GenerationRequest& request, const std::atomic<bool>* cancel)>;
using ProgressFn = std::function<void(const SummaryProgress&)>;

class Summarizer {
public:
    Summarizer(Generate generate, TokenCounter counter, SummarizerOptions options);
    // With a counter that knows the tokenizer but not the chat template (options.templateTokens stands in).
    Summarizer(Generate generate, CountTokens countTokens, SummarizerOptions options);

    // Runs to the end or until `cancel` is set (checked between steps and inside each generation).
    Result<Summary> summarize(
        const Document& document, const ProgressFn& progress = {}, const std::atomic<bool>* cancel = nullptr);

    // Token budget for the text of one step, and the answer allowance (shrunk for small contexts);
    // 0 when the context is too small.
    uint32_t partBudget() const { return m_plan ? m_plan->textBudget : 0; }
    uint32_t answerBudget() const { return m_plan ? m_plan->answer : 0; }

private:
    Generate m_generate;
    TokenCounter m_counter;
    SummarizerOptions m_options;
    Result<SummaryPlan> m_plan;
};

} // namespace hearth::documents
