#include "documentcontext.h"

#include "passages.h"
#include "storage/documents.h"

uint32_t estimateTokens(std::string_view text)
{
    return static_cast<uint32_t>(text.size() / 2 + 1);
}

std::string documentContextFor(hearth::storage::Database& db, std::int64_t conversationId,
    const std::string& question, uint32_t budgetTokens)
{
    using namespace hearth;
    storage::Documents documents(db);
    auto attached = documents.list(conversationId);
    if (!attached || attached->empty()) return {};
    // The best passages of this conversation's documents (bm25, best first), as many as fit.
    auto hits = documents.searchPassages(storage::PassageScope::conversation(conversationId), question, 8);
    std::vector<documents::PassageText> best;
    if (hits)
        for (const storage::PassageHit& hit : *hits)
            best.push_back(documents::PassageText { hit.passage.text, hit.passage.offset, 0 });
    const std::string path = attached->front().path;
    const std::string title = path.substr(path.find_last_of('/') + 1);
    return documents::followUpContext(title, best, estimateTokens, budgetTokens);
}
