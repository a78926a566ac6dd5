// Full-text search over messages (see search.h).
#include "storage/search.h"

#include "storage/statement.h"

#include <cctype>

namespace hearth::storage {

std::string toFtsQuery(const std::string& text, const std::string& joiner, bool prefixLast)
{
    // A word is a run of letters, digits, '_' or any non-ASCII byte (UTF-8 letters); everything else
    // separates words. Quoting each word makes FTS5 operators in the input (AND, NEAR, -, ^, :) plain text.
    std::vector<std::string> words;
    std::string word;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || std::isalnum(c) || c == '_') {
            word += ch;
        } else if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    std::string query;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i) query += joiner;
        query += '"' + words[i] + '"';
        if (prefixLast && i + 1 == words.size()) query += '*';
    }
    return query;
}

namespace {

// Best-first ranks the newest kRankWindow matching messages by bm25: a word found in almost every
// message would otherwise cost a bm25 score per match (seconds over 500,000 messages). Rarer queries
// have fewer matches than the window and are ranked exactly.
constexpr int kRankWindow = 1000;

} // namespace

Result<std::vector<SearchHit>> searchMessages(
    Database& db, const std::string& query, const SearchOptions& options)
{
    std::vector<SearchHit> hits;
    std::string match = toFtsQuery(query, " ", true);
    if (match.empty() || options.limit <= 0) return hits;

    // The conversation scope goes inside the FTS query (rowid IN ...) so the window holds only that
    // conversation's matches. Snippets are made in the same pass: a second FTS query per hit would set up
    // a prefix query's term iterator again for every hit (50 × a few ms).
    std::string scope
        = options.conversationId ? " AND rowid IN (SELECT id FROM messages WHERE conversation_id = ?2)" : "";
    const char* snippet = "snippet(messages_fts, 0, ?4, ?5, '…', ?6)";
    std::string sql;
    if (options.newestFirst) {
        // FTS5 walks its doclists in descending rowid order: no score and no sort needed.
        sql = "SELECT m.conversation_id, c.title, m.id, m.role, m.created_at, 0.0, " + std::string(snippet)
            + " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
              " JOIN conversations c ON c.id = m.conversation_id WHERE messages_fts MATCH ?1"
            + std::string(options.conversationId ? " AND m.conversation_id = ?2" : "")
            + " AND c.deleted_at IS NULL ORDER BY messages_fts.rowid DESC LIMIT ?3";
    } else {
        sql = "SELECT m.conversation_id, c.title, m.id, m.role, m.created_at, w.score, w.snippet "
              "FROM (SELECT rowid, bm25(messages_fts) AS score, "
            + std::string(snippet)
            + " AS snippet"
              "      FROM messages_fts WHERE messages_fts MATCH ?1"
            + scope + "      ORDER BY rowid DESC LIMIT " + std::to_string(kRankWindow)
            + ") w "
              "JOIN messages m ON m.id = w.rowid JOIN conversations c ON c.id = m.conversation_id "
              "WHERE c.deleted_at IS NULL ORDER BY w.score, m.id DESC LIMIT ?3";
    }
    Statement st(db.handle(), sql);
    st.bind(1, match);
    if (options.conversationId) st.bind(2, options.conversationId);
    st.bind(3, options.limit);
    st.bind(4, options.highlightOpen);
    st.bind(5, options.highlightClose);
    st.bind(6, options.snippetTokens);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        SearchHit hit;
        hit.conversationId = st.i64(0);
        hit.conversationTitle = st.text(1);
        hit.messageId = st.i64(2);
        hit.role = st.text(3);
        hit.createdAt = st.i64(4);
        hit.score = st.f64(5);
        hit.snippet = st.text(6);
        hits.push_back(std::move(hit));
    }
    if (rc != SQLITE_DONE) return db.lastError("search failed");
    return hits;
}

} // namespace hearth::storage
