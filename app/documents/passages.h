// Follow-up questions on a summarized document: the document is cut into short passages that storage
// indexes (FTS5, storage/documents.h); for a question, the best passages found there are put into the
// model's context by followUpContext(). No extra model, no network: ranking is the store's bm25.
#pragma once

#include "chunker.h"
#include "document.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::documents {

struct PassageText {
    std::string text;
    int64_t offset = 0; // byte offset of its first character in Document::joinedText()
    int page = 0; // page it starts on (0: no pages)
};

// Passages of about `budget` tokens at paragraph boundaries (long paragraphs split at sentences), no
// overlap: each word is indexed once.
std::vector<PassageText> makePassages(
    const Document& document, const CountTokens& countTokens, uint32_t budget = 160);

// A system message that hands the model the passages (best first as given; at most `budget` tokens of
// them, kept whole, shown in document order) and asks it to answer from them.
std::string followUpContext(const std::string& title, const std::vector<PassageText>& bestFirst,
    const CountTokens& countTokens, uint32_t budget);

} // namespace hearth::documents
