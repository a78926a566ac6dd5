// Full-text search over message text (FTS5 with the unicode61 tokenizer, diacritics folded).
//
// The query is free text from a search box: words are matched as whole tokens, the last word also as a
// prefix (so results appear while typing), and every word must occur (AND). Punctuation and FTS syntax
// in the input are neutralised, so no input is a syntax error. Replies still streaming are not indexed
// until they finish or are marked interrupted; soft-deleted conversations are left out.
#pragma once

#include "storage/database.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::storage {

struct SearchOptions {
    int limit = 50;
    std::int64_t conversationId = 0; // 0: all conversations
    // false: best bm25 first among the newest 1,000 matching messages (all of them for any but the
    // commonest words); true: newest message first.
    bool newestFirst = false;
    std::string highlightOpen = "["; // around each matched word in the snippet
    std::string highlightClose = "]";
    int snippetTokens = 12; // words of context in the snippet
};

struct SearchHit {
    std::int64_t conversationId = 0;
    std::string conversationTitle;
    std::int64_t messageId = 0;
    std::string role; // "user", "assistant", "system"
    std::string snippet; // text around the match with the matched words highlighted, "…" at cuts
    std::int64_t createdAt = 0;
    double score = 0.0; // bm25, lower is better
};

Result<std::vector<SearchHit>> searchMessages(
    Database& db, const std::string& query, const SearchOptions& options = {});

// Free text → an FTS5 MATCH expression: each word quoted, joined with `joiner` (" " for AND, " OR ");
// `prefixLast` adds * to the last word. Empty when the text holds no word.
std::string toFtsQuery(const std::string& text, const std::string& joiner, bool prefixLast);

} // namespace hearth::storage
