#include "tokencounts.h"

namespace hearth::documents {

namespace {

std::string promptKey(const GenerationRequest& request)
{
    return request.system + '\0' + request.user;
}

} // namespace

TokenCounter TokenCounts::counter()
{
    TokenCounter c;
    c.text = [this](std::string_view t) { return text(t); };
    c.prompt = [this](const GenerationRequest& r) { return prompt(r); };
    c.pending = [this] { return missing(); };
    return c;
}

// A guess close to the truth keeps the guessed plan near the exact one, so few rounds of asking are
// needed: the ratio of tokens to bytes seen so far (one token per two bytes before anything is known).
uint32_t TokenCounts::estimate(size_t bytes) const
{
    if (m_knownBytes == 0) return static_cast<uint32_t>(bytes / 2 + 1);
    return static_cast<uint32_t>((bytes * m_knownTokens + m_knownBytes - 1) / m_knownBytes);
}

uint32_t TokenCounts::text(std::string_view text)
{
    std::string key(text);
    if (auto found = m_texts.find(key); found != m_texts.end()) return found->second;
    if (m_wantedKeys.emplace("t" + key, true).second) m_wantedTexts.push_back(key);
    return estimate(text.size());
}

uint32_t TokenCounts::prompt(const GenerationRequest& request)
{
    const std::string key = promptKey(request);
    if (auto found = m_prompts.find(key); found != m_prompts.end()) return found->second;
    if (m_wantedKeys.emplace("p" + key, true).second) m_wantedPrompts.push_back(request);
    return estimate(key.size()) + 16;
}

bool TokenCounts::add(const std::vector<uint32_t>& texts, const std::vector<uint32_t>& prompts)
{
    if (texts.size() != m_wantedTexts.size() || prompts.size() != m_wantedPrompts.size()) return false;
    for (size_t i = 0; i < texts.size(); ++i) {
        m_knownBytes += m_wantedTexts[i].size();
        m_knownTokens += texts[i];
        m_texts[std::move(m_wantedTexts[i])] = texts[i];
    }
    for (size_t i = 0; i < prompts.size(); ++i)
        m_prompts[promptKey(m_wantedPrompts[i])] = prompts[i];
    m_wantedTexts.clear();
    m_wantedPrompts.clear();
    m_wantedKeys.clear();
    return true;
}

} // namespace hearth::documents
