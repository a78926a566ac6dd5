// Splits a document into parts that each fit a token budget, cutting at paragraph boundaries, with a
// small overlap so a thought that spans a cut is seen by both parts. The token counter is passed in:
// the real one is the model's tokenizer (Engine::countTokens); tests pass a simple one.
#pragma once

#include "document.h"
#include "util/result.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::documents {

using CountTokens = std::function<uint32_t(std::string_view text)>;

// One piece of a paragraph: the whole paragraph, or — when the paragraph alone exceeds the budget —
// a run of its sentences (or words, for a sentence that is itself too long).
struct Piece {
    size_t paragraph = 0; // index into the source paragraphs
    size_t part = 0; // 0 for a whole paragraph; 0, 1, ... for the pieces of a split one
    std::string text;
    uint32_t tokens = 0;
    int page = 0;
    bool glued = false; // continues the previous piece inside one over-long word: joined without a space
};

struct Chunk {
    std::vector<Piece> pieces;
    size_t overlapPieces = 0; // leading pieces repeated from the end of the previous chunk
    uint32_t tokens = 0; // countTokens(text())

    // Pieces joined: a blank line between paragraphs, a space between pieces of one paragraph (none
    // between the pieces of a word that was cut).
    std::string text() const;
    int firstPage() const { return pieces.empty() ? 0 : pieces.front().page; }
    int lastPage() const { return pieces.empty() ? 0 : pieces.back().page; }
};

struct ChunkOptions {
    uint32_t budget = 1024; // tokens per chunk, inclusive
    uint32_t overlap = 64; // at most this many tokens repeated from the previous chunk
};

Result<std::vector<Chunk>> chunkParagraphs(
    const std::vector<Paragraph>& paragraphs, const ChunkOptions& options, const CountTokens& countTokens);

// The text of `pieces` joined as Chunk::text() does.
std::string joinPieces(const std::vector<Piece>& pieces);

} // namespace hearth::documents
