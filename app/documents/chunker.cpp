#include "chunker.h"

#include <algorithm>

namespace hearth::documents {

namespace {

// A run of text within one paragraph; `glued` when it continues the previous run inside a word.
struct Part {
    std::string text;
    bool glued = false;
};

// Sentence ends: '.', '!', '?' (and their full-width forms) followed by whitespace.
std::vector<std::string> splitSentences(const std::string& text)
{
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool end = (c == '.' || c == '!' || c == '?') && i + 1 < text.size() && text[i + 1] == ' ';
        if (end) {
            out.push_back(text.substr(start, i + 1 - start));
            start = i + 2;
        }
    }
    if (start < text.size()) out.push_back(text.substr(start));
    return out;
}

std::vector<std::string> splitWords(const std::string& text)
{
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// A "word" longer than the budget (a URL, a base64 blob): cut at UTF-8 character boundaries into the
// longest prefixes that fit.
std::vector<Part> splitCharacters(const std::string& word, uint32_t budget, const CountTokens& count)
{
    std::vector<Part> out;
    size_t start = 0;
    while (start < word.size()) {
        size_t low = start + 1, high = word.size();
        // Binary search on the end offset for the longest prefix within the budget.
        while (low < high) {
            const size_t mid = (low + high + 1) / 2;
            if (count(std::string_view(word).substr(start, mid - start)) <= budget)
                low = mid;
            else
                high = mid - 1;
        }
        size_t end = low;
        while (end < word.size() && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80)
            ++end; // never cut inside a UTF-8 sequence
        out.push_back(Part { word.substr(start, end - start), start > 0 });
        start = end;
    }
    return out;
}

// Packs `parts` (joined by spaces) greedily into runs within the budget; parts that alone exceed it
// are split further by `finer`.
std::vector<Part> pack(const std::vector<std::string>& parts, uint32_t budget, const CountTokens& count,
    const std::function<std::vector<Part>(const std::string&)>& finer)
{
    std::vector<Part> out;
    std::string current;
    for (const std::string& part : parts) {
        if (count(part) > budget) {
            if (!current.empty()) out.push_back(Part { std::move(current), false });
            current.clear();
            for (Part& small : finer(part))
                out.push_back(std::move(small));
            continue;
        }
        const std::string candidate = current.empty() ? part : current + " " + part;
        if (count(candidate) <= budget) {
            current = candidate;
        } else {
            if (!current.empty()) out.push_back(Part { std::move(current), false });
            current = part;
        }
    }
    if (!current.empty()) out.push_back(Part { std::move(current), false });
    return out;
}

// Every paragraph as pieces that each fit the budget alone.
std::vector<Piece> toPieces(
    const std::vector<Paragraph>& paragraphs, uint32_t budget, const CountTokens& count)
{
    std::vector<Piece> pieces;
    for (size_t i = 0; i < paragraphs.size(); ++i) {
        const Paragraph& paragraph = paragraphs[i];
        const uint32_t tokens = count(paragraph.text);
        if (tokens <= budget) {
            pieces.push_back(Piece { i, 0, paragraph.text, tokens, paragraph.page });
            continue;
        }
        // Too long: sentences, then words, then characters.
        auto byCharacters = [&](const std::string& word) { return splitCharacters(word, budget, count); };
        auto byWords = [&](const std::string& sentence) {
            return pack(splitWords(sentence), budget, count, byCharacters);
        };
        const std::vector<Part> parts = pack(splitSentences(paragraph.text), budget, count, byWords);
        for (size_t k = 0; k < parts.size(); ++k)
            pieces.push_back(
                Piece { i, k, parts[k].text, count(parts[k].text), paragraph.page, parts[k].glued });
    }
    return pieces;
}

} // namespace

std::string joinPieces(const std::vector<Piece>& pieces)
{
    std::string out;
    for (size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0)
            out += pieces[i].paragraph != pieces[i - 1].paragraph ? "\n\n" : pieces[i].glued ? "" : " ";
        out += pieces[i].text;
    }
    return out;
}

std::string Chunk::text() const
{
    return joinPieces(pieces);
}

Result<std::vector<Chunk>> chunkParagraphs(
    const std::vector<Paragraph>& paragraphs, const ChunkOptions& options, const CountTokens& countTokens)
{
    if (options.budget == 0)
        return makeError(ErrorCode::InvalidArgument, "chunk budget must be at least one token");
    if (!countTokens) return makeError(ErrorCode::InvalidArgument, "no token counter given");
    const uint32_t budget = options.budget;
    const std::vector<Piece> pieces = toPieces(paragraphs, budget, countTokens);

    std::vector<Chunk> chunks;
    Chunk current;
    uint32_t estimate
        = 0; // sum of piece counts plus one per separator: cheap, checked exactly near the limit

    // Closes `current` and opens the next chunk with the previous chunk's tail as overlap, as long as
    // that tail leaves room for `next`.
    auto close = [&](const Piece& next) {
        current.tokens = countTokens(current.text());
        Chunk following;
        uint32_t overlapTokens = 0;
        const size_t fresh = current.pieces.size() - current.overlapPieces;
        for (size_t k = 0; k < fresh; ++k) {
            const Piece& tail = current.pieces[current.pieces.size() - 1 - k];
            if (overlapTokens + tail.tokens + 1 > options.overlap
                || overlapTokens + tail.tokens + next.tokens + 2 > budget)
                break;
            overlapTokens += tail.tokens + 1;
            following.pieces.insert(following.pieces.begin(), tail);
        }
        following.overlapPieces = following.pieces.size();
        chunks.push_back(std::move(current));
        current = std::move(following);
        estimate = overlapTokens;
    };

    for (const Piece& piece : pieces) {
        if (!current.pieces.empty() && estimate + piece.tokens + 1 > budget) close(piece);
        current.pieces.push_back(piece);
        estimate += piece.tokens + (current.pieces.size() > 1 ? 1 : 0);
        // Near the limit, the sum may be off by merges across separators: count the real text.
        if (current.pieces.size() > 1 && estimate * 10 >= budget * 8
            && countTokens(current.text()) > budget) {
            current.pieces.pop_back();
            if (current.pieces.size() == current.overlapPieces) {
                // Only overlap left: drop it rather than fail to make progress.
                current = Chunk {};
                current.pieces.push_back(piece);
                estimate = piece.tokens;
                continue;
            }
            close(piece);
            current.pieces.push_back(piece);
            estimate += piece.tokens + (current.pieces.size() > 1 ? 1 : 0);
            if (current.pieces.size() > 1 && countTokens(current.text()) > budget) {
                current = Chunk {};
                current.pieces.push_back(piece);
                estimate = piece.tokens;
            }
        }
    }
    if (!current.pieces.empty() && current.pieces.size() > current.overlapPieces) {
        current.tokens = countTokens(current.text());
        chunks.push_back(std::move(current));
    }
    return chunks;
}

} // namespace hearth::documents
