#include "passages.h"

#include <algorithm>

namespace hearth::documents {

std::vector<PassageText> makePassages(
    const Document& document, const CountTokens& countTokens, uint32_t budget)
{
    auto chunks = chunkParagraphs(
        document.paragraphs, ChunkOptions { std::max<uint32_t>(budget, 16), 0 }, countTokens);
    if (!chunks) return {};
    // Where each paragraph starts in joinedText(): paragraphs are separated by "\n\n".
    std::vector<int64_t> starts;
    int64_t at = 0;
    for (const Paragraph& p : document.paragraphs) {
        starts.push_back(at);
        at += static_cast<int64_t>(p.text.size()) + 2;
    }
    std::vector<PassageText> out;
    for (const Chunk& chunk : *chunks) {
        const Piece& first = chunk.pieces.front();
        const std::string& paragraph = document.paragraphs[first.paragraph].text;
        const size_t within = first.part == 0 ? 0 : paragraph.find(first.text);
        out.push_back(PassageText { chunk.text(),
            starts[first.paragraph] + static_cast<int64_t>(within == std::string::npos ? 0 : within),
            first.page });
    }
    return out;
}

std::string followUpContext(const std::string& title, const std::vector<PassageText>& bestFirst,
    const CountTokens& countTokens, uint32_t budget)
{
    // Take the best passages while they fit, then show them in the order they appear in the document.
    std::vector<const PassageText*> chosen;
    uint32_t used = 0;
    for (const PassageText& passage : bestFirst) {
        const uint32_t tokens = countTokens(passage.text) + 8; // + the "[page n]" label and separator
        if (used + tokens > budget) continue;
        used += tokens;
        chosen.push_back(&passage);
    }
    std::sort(chosen.begin(), chosen.end(),
        [](const PassageText* a, const PassageText* b) { return a->offset < b->offset; });
    std::string context = "The user is asking about the document \"" + title
        + "\". Answer from these excerpts of it; if they do not contain the answer, say so.\n";
    for (const PassageText* passage : chosen) {
        context += "\n[";
        context += passage->page > 0 ? "page " + std::to_string(passage->page) : "excerpt";
        context += "] " + passage->text + "\n";
    }
    if (chosen.empty()) context += "\n(No passage of the document matches the question.)\n";
    return context;
}

} // namespace hearth::documents
