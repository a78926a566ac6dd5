// Documents and their passages; passage retrieval ranked by FTS5 bm25 (see documents.h).
#include "storage/documents.h"

#include "storage/conversations.h"
#include "storage/search.h"
#include "storage/statement.h"

namespace hearth::storage {

namespace {

const char* const kDocumentColumns = "d.id, d.conversation_id, d.path, d.checksum, d.created_at, "
                                     "(SELECT count(*) FROM passages p WHERE p.document_id = d.id)";

Document readDocument(const Statement& st)
{
    Document d;
    d.id = st.i64(0);
    d.conversationId = st.i64(1);
    d.path = st.text(2);
    d.checksum = st.text(3);
    d.createdAt = st.i64(4);
    d.passageCount = st.i32(5);
    return d;
}

Error noDocument(std::int64_t id)
{
    return makeError(ErrorCode::InvalidArgument, "no document with id " + std::to_string(id));
}

} // namespace

Result<Document> Documents::addDocument(std::int64_t conversationId, const std::string& path,
    const std::string& checksum, const std::string& text)
{
    Statement st(m_db.handle(),
        "INSERT INTO documents (conversation_id, path, checksum, content, created_at) "
        "VALUES (?, ?, ?, ?, ?)");
    st.bind(1, conversationId).bind(2, path).bind(3, checksum).bind(4, text).bind(5, nowMs());
    if (st.step() != SQLITE_DONE) return m_db.lastError("cannot attach " + path);
    return get(sqlite3_last_insert_rowid(m_db.handle()));
}

Status Documents::addPassages(std::int64_t documentId, const std::vector<PassageInput>& passages)
{
    return m_db.transaction([&]() -> Status {
        Statement next(
            m_db.handle(), "SELECT coalesce(max(ordinal) + 1, 0) FROM passages WHERE document_id = ?");
        next.bind(1, documentId);
        if (next.step() != SQLITE_ROW) return m_db.lastError("cannot read the document's passages");
        std::int64_t ordinal = next.i64(0);
        Statement st(m_db.handle(),
            "INSERT INTO passages (document_id, ordinal, start_offset, content) VALUES (?, ?, ?, ?)");
        for (const PassageInput& passage : passages) {
            st.reset();
            st.bind(1, documentId).bind(2, ordinal++).bind(3, passage.offset).bind(4, passage.text);
            if (st.step() != SQLITE_DONE) return m_db.lastError("cannot save the document's passages");
        }
        return Ok {};
    });
}

Result<Document> Documents::get(std::int64_t documentId)
{
    Statement st(m_db.handle(),
        std::string("SELECT ") + kDocumentColumns + ", d.content FROM documents d WHERE d.id = ?");
    st.bind(1, documentId);
    int rc = st.step();
    if (rc == SQLITE_DONE) return noDocument(documentId);
    if (rc != SQLITE_ROW) return m_db.lastError("cannot read document " + std::to_string(documentId));
    Document d = readDocument(st);
    d.text = st.text(6);
    return d;
}

Result<std::vector<Document>> Documents::list(std::int64_t conversationId, bool withText)
{
    Statement st(m_db.handle(),
        std::string("SELECT ") + kDocumentColumns + (withText ? ", d.content" : ", ''")
            + " FROM documents d WHERE d.conversation_id = ? ORDER BY d.id");
    st.bind(1, conversationId);
    std::vector<Document> rows;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        rows.push_back(readDocument(st));
        rows.back().text = st.text(6);
    }
    if (rc != SQLITE_DONE) return m_db.lastError("cannot list the documents");
    return rows;
}

Result<Document> Documents::findByChecksum(std::int64_t conversationId, const std::string& checksum)
{
    Statement st(m_db.handle(),
        "SELECT id FROM documents WHERE conversation_id = ? AND checksum = ? "
        "ORDER BY id LIMIT 1");
    st.bind(1, conversationId).bind(2, checksum);
    int rc = st.step();
    if (rc == SQLITE_DONE) return Document {};
    if (rc != SQLITE_ROW) return m_db.lastError("cannot look up the document");
    return get(st.i64(0));
}

Result<std::vector<Passage>> Documents::passages(std::int64_t documentId)
{
    Statement st(m_db.handle(),
        "SELECT id, document_id, ordinal, start_offset, content FROM passages "
        "WHERE document_id = ? ORDER BY ordinal");
    st.bind(1, documentId);
    std::vector<Passage> rows;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW)
        rows.push_back(Passage { st.i64(0), st.i64(1), st.i32(2), st.i64(3), st.text(4) });
    if (rc != SQLITE_DONE) return m_db.lastError("cannot read the passages");
    return rows;
}

Status Documents::remove(std::int64_t documentId)
{
    Statement st(m_db.handle(), "DELETE FROM documents WHERE id = ?");
    st.bind(1, documentId);
    if (st.step() != SQLITE_DONE) return m_db.lastError("cannot remove the document");
    if (sqlite3_changes(m_db.handle()) == 0) return noDocument(documentId);
    return Ok {};
}

Result<std::vector<PassageHit>> Documents::searchPassages(
    const PassageScope& scope, const std::string& query, int limit)
{
    std::vector<PassageHit> hits;
    // Any query word may match; bm25 rewards passages holding more of them and rarer ones.
    std::string match = toFtsQuery(query, " OR ", false);
    if (match.empty()) return hits;
    std::string sql
        = "SELECT p.id, p.document_id, p.ordinal, p.start_offset, p.content, d.conversation_id, d.path, "
          "bm25(passages_fts) AS score "
          "FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid "
          "JOIN documents d ON d.id = p.document_id "
          "WHERE passages_fts MATCH ? AND ";
    sql += scope.documentId ? "p.document_id = ?" : "d.conversation_id = ?";
    sql += " ORDER BY score, p.id LIMIT ?";
    Statement st(m_db.handle(), sql);
    st.bind(1, match).bind(2, scope.documentId ? scope.documentId : scope.conversationId).bind(3, limit);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        PassageHit hit;
        hit.passage = Passage { st.i64(0), st.i64(1), st.i32(2), st.i64(3), st.text(4) };
        hit.conversationId = st.i64(5);
        hit.documentPath = st.text(6);
        hit.score = st.f64(7);
        hits.push_back(std::move(hit));
    }
    if (rc != SQLITE_DONE) return m_db.lastError("cannot search the documents");
    return hits;
}

} // namespace hearth::storage
