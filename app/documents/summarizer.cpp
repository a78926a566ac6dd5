#include "summarizer.h"

namespace hearth::documents {

Summarizer::Summarizer(Generate generate, TokenCounter counter, SummarizerOptions options)
    : m_generate(std::move(generate))
    , m_counter(std::move(counter))
    , m_options(options)
    , m_plan(planSummary(m_counter, m_options))
{
}

Summarizer::Summarizer(Generate generate, CountTokens countTokens, SummarizerOptions options)
    : Summarizer(
        std::move(generate), textOnlyCounter(std::move(countTokens), options.templateTokens), options)
{
}

Result<Summary> Summarizer::summarize(
    const Document& document, const ProgressFn& progress, const std::atomic<bool>* cancel)
{
    if (!m_plan) return m_plan.error();
    if (!m_generate) return makeError(ErrorCode::InvalidArgument, "summarizer has no model function");
    auto isCancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
    SummaryRun run(document, m_options, m_counter);
    for (;;) {
        if (isCancelled()) return run.stop();
        auto step = run.next();
        if (!step) return step.error();
        if (step->action == SummaryRun::Action::Done) return run.summary();
        if (step->action == SummaryRun::Action::Count)
            return makeError(ErrorCode::Internal, "the summarizer's token counter cannot answer at once");
        if (progress) progress(step->progress);
        auto result = m_generate(step->request, cancel);
        if (!result) {
            if (result.error().code == ErrorCode::Cancelled) return run.stop();
            return result.error();
        }
        // Keep the words already generated for this part: they are part of what was done.
        if (result->cancelled || isCancelled()) return run.stop(*result);
        run.answer(*result);
        if (progress) progress(run.finishedProgress());
    }
}

} // namespace hearth::documents
