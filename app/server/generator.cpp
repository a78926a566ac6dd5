#include "generator.h"

namespace hearth::server {

Result<uint32_t> EngineGenerator::promptTokens(const GenerateRequest& request) const
{
    if (request.useChat && !request.messages.empty()) return m_engine.countPromptTokens(request.messages);
    // countTokens() tokenizes plain text: a special token written in the prompt counts as several
    // tokens there and as one in generate(), so this errs on the large side. One more for the BOS.
    auto count = m_engine.countTokens(request.rawPrompt);
    if (!count) return count.error();
    return *count + 1;
}

} // namespace hearth::server
