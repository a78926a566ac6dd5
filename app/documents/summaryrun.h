// One map-reduce summarization as a sequence of model calls, with no waiting of its own: the caller
// asks next() what to do, makes the call, and hands the answer back. If the whole document fits one
// prompt it is summarized in one pass; otherwise each part (cut by planSummary's rule) is summarized,
// then the part summaries are combined — cut and summarized again — until one remains.
// The CLI drives it synchronously (summarizer.h); the app drives it from the engine process's
// signals (app/gui/documents/summaryjob.h).
#pragma once

#include "document.h"
#include "summaryplan.h"

#include <chrono>
#include <string>
#include <vector>

namespace hearth::documents {

struct GenerationResult {
    std::string text;
    uint32_t promptTokens = 0;
    uint32_t generatedTokens = 0;
    double prefillSeconds = 0;
    double generateSeconds = 0;
    bool cancelled = false; // stopped early; `text` holds what was generated until then
};

struct SummaryProgress {
    int step = 0; // 1-based step about to run (or just finished, when `finished`)
    int totalSteps = 0; // estimate; exact once the last level is known
    int level = 0; // 0: summarizing the document's parts; 1+: combining summaries
    int part = 0; // 1-based part within the level
    int partsInLevel = 0;
    int firstPage = 0; // pages covered by this part (level 0 of a paged document), else 0
    int lastPage = 0;
    double tokensPerSecond = 0; // generation speed so far
    double secondsLeft = -1; // estimate; -1 until a step has been timed
    bool finished = false; // the step has completed
};

struct Summary {
    std::string text; // the summary; when stopped early, what was done (see coverage)
    bool cancelled = false;
    std::string coverage; // e.g. "parts 1–3 of 7" when stopped before the end; empty when complete
    int parts = 0; // parts at level 0
    int levels = 0; // 1 for a single pass
    int steps = 0; // model calls made
    std::vector<std::string> partSummaries; // level-0 summaries, in order (one pass: the summary itself)
    // Totals over all model calls.
    uint32_t promptTokens = 0;
    uint32_t generatedTokens = 0;
    double prefillSeconds = 0;
    double generateSeconds = 0;
};

class SummaryRun {
public:
    SummaryRun(Document document, SummarizerOptions options, TokenCounter counter);

    enum class Action {
        Generate, // make `request` (then answer() or stop())
        Count, // the counter is waiting for exact counts: call next() again once they are in
        Done, // summary() holds the result
    };
    struct Step {
        Action action = Action::Done;
        GenerationRequest request;
        SummaryProgress progress;
    };

    // What to do now. An error ends the run (an empty document, a context too small).
    Result<Step> next();
    // The answer to the call next() asked for.
    void answer(const GenerationResult& result);
    // Stops early: what was done, with what `partial` (the interrupted call's answer so far) adds.
    Summary stop(const GenerationResult& partial = {});
    // Progress after the last answer.
    SummaryProgress finishedProgress() const;

    const Summary& summary() const { return m_summary; }
    // The plan once made (after the first next() that did not ask for counts).
    const SummaryPlan& plan() const { return m_plan; }

private:
    Result<bool> planLevel(); // false: waiting for counts
    Status closeLevel();
    void account(const GenerationResult& result);
    double secondsLeft() const;

    Document m_document;
    SummarizerOptions m_options;
    TokenCounter m_counter;
    std::chrono::steady_clock::time_point m_started;
    bool m_planned = false;
    SummaryPlan m_plan;
    Summary m_summary;
    bool m_done = false;

    int m_level = 0;
    bool m_levelPlanned = false;
    std::vector<Chunk> m_groups; // this level's parts
    size_t m_next = 0; // the next part of this level
    size_t m_consumed = 0; // inputs covered by this level's finished parts
    std::vector<std::string> m_inputs; // summaries being combined (levels 1+)
    std::vector<std::string> m_outputs; // this level's answers
    SummaryProgress m_current;
    int m_stepsDone = 0;
    int m_totalSteps = 0;
};

} // namespace hearth::documents
