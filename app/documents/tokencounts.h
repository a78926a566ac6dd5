// Token counts kept for a caller whose tokenizer is in another process (the app's engine). Planning
// reads counts from here without waiting: a count not known yet is estimated from the counts known so
// far and written down as wanted; the caller asks the engine for what is wanted, adds the answers, and
// plans again (SummaryRun says so with Action::Count). A plan made with no count missing is exact.
#pragma once

#include "summaryplan.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace hearth::documents {

class TokenCounts {
public:
    // Counting functions over this store; `pending` is true while something asked for is missing.
    // The store must outlive the counter.
    TokenCounter counter();

    bool missing() const { return !m_wantedTexts.empty() || !m_wantedPrompts.empty(); }
    const std::vector<std::string>& wantedTexts() const { return m_wantedTexts; }
    const std::vector<GenerationRequest>& wantedPrompts() const { return m_wantedPrompts; }

    // The engine's answers, in the order of wantedTexts() and wantedPrompts(); clears what was wanted.
    // False when the answer does not match the question (then nothing is added).
    bool add(const std::vector<uint32_t>& texts, const std::vector<uint32_t>& prompts);

private:
    uint32_t text(std::string_view text);
    uint32_t prompt(const GenerationRequest& request);
    uint32_t estimate(size_t bytes) const;

    std::unordered_map<std::string, uint32_t> m_texts;
    std::unordered_map<std::string, uint32_t> m_prompts; // keyed by system + '\0' + user
    std::vector<std::string> m_wantedTexts;
    std::vector<GenerationRequest> m_wantedPrompts;
    std::unordered_map<std::string, bool> m_wantedKeys;
    uint64_t m_knownBytes = 0;
    uint64_t m_knownTokens = 0;
};

} // namespace hearth::documents
