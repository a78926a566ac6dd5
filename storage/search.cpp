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

Result<std::vector<SearchHit>> searchMessages(Database& db, const std::string& query, const SearchOptions& options)
{
    std::vector<SearchHit> hits;
    std::string match = toFtsQuery(query, " ", true);
    if (match.empty()) return hits;
    std::string sql =
        "SELECT m.conversation_id, c.title, m.id, m.role, snippet(messages_fts, 0, ?, ?, '…', ?), m.created_at, "
        "bm25(messages_fts) AS score "
        "FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
        "JOIN conversations c ON c.id = m.conversation_id "
        "WHERE messages_fts MATCH ? AND c.deleted_at IS NULL";
    if (options.conversationId) sql += " AND m.conversation_id = ?";
    sql += options.newestFirst ? " ORDER BY messages_fts.rowid DESC" : " ORDER BY score, m.id DESC";
    sql += " LIMIT ?";
    Statement st(db.handle(), sql);
    int index = 1;
    st.bind(index++, options.highlightOpen);
    st.bind(index++, options.highlightClose);
    st.bind(index++, options.snippetTokens);
    st.bind(index++, match);
    if (options.conversationId) st.bind(index++, options.conversationId);
    st.bind(index++, options.limit);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        SearchHit hit;
        hit.conversationId = st.i64(0);
        hit.conversationTitle = st.text(1);
        hit.messageId = st.i64(2);
        hit.role = st.text(3);
        hit.snippet = st.text(4);
        hit.createdAt = st.i64(5);
        hit.score = st.f64(6);
        hits.push_back(std::move(hit));
    }
    if (rc != SQLITE_DONE) return db.lastError("search failed");
    return hits;
}

}  // namespace hearth::storage
