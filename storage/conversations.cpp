// Conversations: rows of the sidebar and their settings (see conversations.h).
#include "storage/conversations.h"

#include "storage/statement.h"

#include <chrono>

namespace hearth::storage {

namespace {

const char* const kColumns
    = "id, title, created_at, updated_at, pinned, deleted_at, model, system_prompt, sampling_json, "
      "current_leaf_id";

Conversation readConversation(const Statement& st)
{
    Conversation c;
    c.id = st.i64(0);
    c.title = st.text(1);
    c.createdAt = st.i64(2);
    c.updatedAt = st.i64(3);
    c.pinned = st.i64(4) != 0;
    if (!st.isNull(5)) c.deletedAt = st.i64(5);
    c.settings.model = st.text(6);
    c.settings.systemPrompt = st.text(7);
    c.settings.samplingJson = st.text(8);
    c.currentLeafId = st.i64(9);
    return c;
}

Error notFound(std::int64_t id)
{
    return makeError(ErrorCode::InvalidArgument, "no conversation with id " + std::to_string(id));
}

} // namespace

std::int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Result<Conversation> Conversations::create(const std::string& title, const ConversationSettings& settings)
{
    std::int64_t now = nowMs();
    Statement st(m_db.handle(),
        "INSERT INTO conversations (title, created_at, updated_at, model, system_prompt, "
        "sampling_json) VALUES (?, ?, ?, ?, ?, ?)");
    st.bind(1, title).bind(2, now).bind(3, now).bind(4, settings.model).bind(5, settings.systemPrompt);
    st.bind(6, settings.samplingJson.empty() ? std::string("{}") : settings.samplingJson);
    if (st.step() != SQLITE_DONE) return m_db.lastError("cannot create a conversation");
    return get(sqlite3_last_insert_rowid(m_db.handle()));
}

Result<Conversation> Conversations::get(std::int64_t id)
{
    Statement st(m_db.handle(), std::string("SELECT ") + kColumns + " FROM conversations WHERE id = ?");
    st.bind(1, id);
    int rc = st.step();
    if (rc == SQLITE_ROW) return readConversation(st);
    if (rc == SQLITE_DONE) return notFound(id);
    return m_db.lastError("cannot read conversation " + std::to_string(id));
}

Result<std::vector<Conversation>> Conversations::list(const ListOptions& options)
{
    // The WHERE matches the partial index conversations_listing, so listing walks the index in order.
    std::string sql = std::string("SELECT ") + kColumns + " FROM conversations"
        + (options.includeDeleted ? "" : " WHERE deleted_at IS NULL")
        + " ORDER BY pinned DESC, updated_at DESC, id DESC LIMIT ? OFFSET ?";
    Statement st(m_db.handle(), sql);
    st.bind(1, options.limit).bind(2, options.offset);
    std::vector<Conversation> rows;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW)
        rows.push_back(readConversation(st));
    if (rc != SQLITE_DONE) return m_db.lastError("cannot list conversations");
    return rows;
}

Result<std::int64_t> Conversations::count(bool includeDeleted)
{
    Statement st(m_db.handle(),
        includeDeleted ? "SELECT count(*) FROM conversations"
                       : "SELECT count(*) FROM conversations WHERE deleted_at IS NULL");
    if (st.step() != SQLITE_ROW) return m_db.lastError("cannot count conversations");
    return st.i64(0);
}

namespace {

// Run an UPDATE on one conversation; a missing row is an error the caller can show.
Status updateOne(Database& db, std::int64_t id, Statement& st, const char* what)
{
    if (st.step() != SQLITE_DONE) return db.lastError(what);
    if (sqlite3_changes(db.handle()) == 0) return notFound(id);
    return Ok {};
}

} // namespace

Status Conversations::rename(std::int64_t id, const std::string& title)
{
    Statement st(m_db.handle(), "UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?");
    st.bind(1, title).bind(2, nowMs()).bind(3, id);
    return updateOne(m_db, id, st, "cannot rename the conversation");
}

Status Conversations::setPinned(std::int64_t id, bool pinned)
{
    // Pinning does not change updated_at: the conversation keeps its place among the others.
    Statement st(m_db.handle(), "UPDATE conversations SET pinned = ? WHERE id = ?");
    st.bind(1, pinned ? 1 : 0).bind(2, id);
    return updateOne(m_db, id, st, "cannot pin the conversation");
}

Status Conversations::setSettings(std::int64_t id, const ConversationSettings& settings)
{
    Statement st(m_db.handle(),
        "UPDATE conversations SET model = ?, system_prompt = ?, sampling_json = ?, updated_at = ? "
        "WHERE id = ?");
    st.bind(1, settings.model).bind(2, settings.systemPrompt);
    st.bind(3, settings.samplingJson.empty() ? std::string("{}") : settings.samplingJson);
    st.bind(4, nowMs()).bind(5, id);
    return updateOne(m_db, id, st, "cannot save the conversation's settings");
}

Status Conversations::softDelete(std::int64_t id)
{
    Statement st(m_db.handle(), "UPDATE conversations SET deleted_at = ? WHERE id = ?");
    st.bind(1, nowMs()).bind(2, id);
    return updateOne(m_db, id, st, "cannot delete the conversation");
}

Status Conversations::restore(std::int64_t id)
{
    Statement st(m_db.handle(), "UPDATE conversations SET deleted_at = NULL WHERE id = ?");
    st.bind(1, id);
    return updateOne(m_db, id, st, "cannot restore the conversation");
}

Status Conversations::remove(std::int64_t id)
{
    Statement st(m_db.handle(), "DELETE FROM conversations WHERE id = ?");
    st.bind(1, id);
    return updateOne(m_db, id, st, "cannot remove the conversation");
}

Result<int> Conversations::purgeDeleted(std::int64_t beforeMs)
{
    Statement st(m_db.handle(), "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?");
    st.bind(1, beforeMs);
    if (st.step() != SQLITE_DONE) return m_db.lastError("cannot purge deleted conversations");
    return sqlite3_changes(m_db.handle());
}

} // namespace hearth::storage
