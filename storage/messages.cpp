// Messages: the conversation tree, the streaming turn, alternatives (see messages.h).
#include "storage/messages.h"

#include "storage/conversations.h"
#include "storage/statement.h"

#include <algorithm>

namespace hearth::storage {

namespace {

const char* const kColumns
    = "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.status, m.created_at, m.updated_at, "
      "m.prompt_tokens, m.completion_tokens, m.tokens_per_second, m.error, m.interrupted_by";
constexpr int kColumnCount = 13;

Message readMessage(const Statement& st)
{
    Message m;
    m.id = st.i64(0);
    m.conversationId = st.i64(1);
    m.parentId = st.isNull(2) ? 0 : st.i64(2);
    m.role = roleFromName(st.text(3)).value_or(Role::User);
    m.text = st.text(4);
    m.status = statusFromName(st.text(5)).value_or(MessageStatus::Complete);
    m.createdAt = st.i64(6);
    m.updatedAt = st.i64(7);
    m.promptTokens = st.i32(8);
    m.completionTokens = st.i32(9);
    m.tokensPerSecond = st.f64(10);
    m.error = st.text(11);
    m.interruption = interruptionFromName(st.text(12)).value_or(Interruption::None);
    return m;
}

Result<std::vector<Message>> readAll(Database& db, Statement& st, const char* what)
{
    std::vector<Message> rows;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW)
        rows.push_back(readMessage(st));
    if (rc != SQLITE_DONE) return db.lastError(what);
    return rows;
}

Error noMessage(std::int64_t id)
{
    return makeError(ErrorCode::InvalidArgument, "no message with id " + std::to_string(id));
}

Result<std::int64_t> currentLeaf(Database& db, std::int64_t conversationId)
{
    Statement st(db.handle(), "SELECT current_leaf_id FROM conversations WHERE id = ?");
    st.bind(1, conversationId);
    int rc = st.step();
    if (rc == SQLITE_ROW) return st.i64(0);
    if (rc == SQLITE_DONE)
        return makeError(
            ErrorCode::InvalidArgument, "no conversation with id " + std::to_string(conversationId));
    return db.lastError("cannot read the conversation");
}

Status setLeaf(Database& db, std::int64_t conversationId, std::int64_t leafId)
{
    Statement st(db.handle(), "UPDATE conversations SET current_leaf_id = ?, updated_at = ? WHERE id = ?");
    st.bind(1, leafId).bind(2, nowMs()).bind(3, conversationId);
    if (st.step() != SQLITE_DONE) return db.lastError("cannot update the conversation");
    return Ok {};
}

} // namespace

const char* roleName(Role role)
{
    switch (role) {
    case Role::System:
        return "system";
    case Role::User:
        return "user";
    case Role::Assistant:
        return "assistant";
    }
    return "user";
}

std::optional<Role> roleFromName(const std::string& name)
{
    if (name == "system") return Role::System;
    if (name == "user") return Role::User;
    if (name == "assistant") return Role::Assistant;
    return std::nullopt;
}

const char* statusName(MessageStatus status)
{
    switch (status) {
    case MessageStatus::Complete:
        return "complete";
    case MessageStatus::Streaming:
        return "streaming";
    case MessageStatus::Interrupted:
        return "interrupted";
    case MessageStatus::Failed:
        return "failed";
    }
    return "complete";
}

std::optional<MessageStatus> statusFromName(const std::string& name)
{
    if (name == "complete") return MessageStatus::Complete;
    if (name == "streaming") return MessageStatus::Streaming;
    if (name == "interrupted") return MessageStatus::Interrupted;
    if (name == "failed") return MessageStatus::Failed;
    return std::nullopt;
}

const char* interruptionName(Interruption interruption)
{
    switch (interruption) {
    case Interruption::None:
        return "";
    case Interruption::ByUser:
        return "user";
    case Interruption::EngineStopped:
        return "engine";
    case Interruption::AppClosed:
        return "appClosed";
    }
    return "";
}

std::optional<Interruption> interruptionFromName(const std::string& name)
{
    for (Interruption i :
        { Interruption::None, Interruption::ByUser, Interruption::EngineStopped, Interruption::AppClosed })
        if (name == interruptionName(i)) return i;
    return std::nullopt;
}

Result<Message> Messages::get(std::int64_t id)
{
    Statement st(m_db.handle(), std::string("SELECT ") + kColumns + " FROM messages m WHERE m.id = ?");
    st.bind(1, id);
    int rc = st.step();
    if (rc == SQLITE_ROW) return readMessage(st);
    if (rc == SQLITE_DONE) return noMessage(id);
    return m_db.lastError("cannot read message " + std::to_string(id));
}

Result<std::vector<Message>> Messages::thread(std::int64_t conversationId)
{
    Result<std::int64_t> leaf = currentLeaf(m_db, conversationId);
    if (!leaf) return leaf.error();
    if (*leaf == 0) return std::vector<Message> {};
    // Walk up from the leaf; each step also counts the siblings (alternatives) and this one's place
    // among them. A parent is always older than its children, so id order is root → leaf.
    std::string sql = std::string("WITH RECURSIVE path (id) AS ("
                                  "  SELECT ? UNION ALL"
                                  "  SELECT p.parent_id FROM messages p JOIN path ON p.id = path.id"
                                  "  WHERE p.parent_id IS NOT NULL) "
                                  "SELECT ")
        + kColumns
        + ", (SELECT count(*) FROM messages s WHERE s.conversation_id = m.conversation_id"
          "   AND s.parent_id IS m.parent_id AND s.id < m.id),"
          " (SELECT count(*) FROM messages s WHERE s.conversation_id = m.conversation_id"
          "   AND s.parent_id IS m.parent_id) "
          "FROM messages m JOIN path ON m.id = path.id ORDER BY m.id";
    Statement st(m_db.handle(), sql);
    st.bind(1, *leaf);
    std::vector<Message> rows;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        Message m = readMessage(st);
        m.siblingIndex = st.i32(kColumnCount);
        m.siblingCount = st.i32(kColumnCount + 1);
        rows.push_back(std::move(m));
    }
    if (rc != SQLITE_DONE) return m_db.lastError("cannot read the conversation's messages");
    return rows;
}

Result<std::vector<Message>> Messages::all(std::int64_t conversationId)
{
    Statement st(m_db.handle(),
        std::string("SELECT ") + kColumns + " FROM messages m WHERE m.conversation_id = ? ORDER BY m.id");
    st.bind(1, conversationId);
    return readAll(m_db, st, "cannot read the conversation's messages");
}

Result<std::vector<Message>> Messages::siblings(std::int64_t messageId)
{
    Result<Message> message = get(messageId);
    if (!message) return message.error();
    Statement st(m_db.handle(),
        std::string("SELECT ") + kColumns
            + " FROM messages m WHERE m.conversation_id = ? AND m.parent_id IS ?"
              " ORDER BY m.id");
    st.bind(1, message->conversationId).bindId(2, message->parentId);
    return readAll(m_db, st, "cannot read the alternatives");
}

Result<Message> Messages::insert(std::int64_t conversationId, std::int64_t parentId, Role role,
    const std::string& text, MessageStatus status)
{
    std::int64_t id = 0;
    Status written = m_db.transaction([&]() -> Status {
        if (parentId) {
            // The parent must belong to the same conversation, or the tree would span two.
            Result<Message> parent = get(parentId);
            if (!parent) return parent.error();
            if (parent->conversationId != conversationId)
                return makeError(ErrorCode::InvalidArgument,
                    "message " + std::to_string(parentId) + " is not in conversation "
                        + std::to_string(conversationId));
        }
        std::int64_t now = nowMs();
        Statement st(m_db.handle(),
            "INSERT INTO messages (conversation_id, parent_id, role, content, status, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, conversationId).bindId(2, parentId).bind(3, roleName(role)).bind(4, text);
        st.bind(5, statusName(status)).bind(6, now).bind(7, now);
        if (st.step() != SQLITE_DONE) return m_db.lastError("cannot save the message");
        id = sqlite3_last_insert_rowid(m_db.handle());
        return setLeaf(m_db, conversationId, id);
    });
    if (!written) return written.error();
    return get(id);
}

Result<Message> Messages::appendUser(std::int64_t conversationId, const std::string& text)
{
    Result<std::int64_t> leaf = currentLeaf(m_db, conversationId);
    if (!leaf) return leaf.error();
    return insert(conversationId, *leaf, Role::User, text, MessageStatus::Complete);
}

Result<Message> Messages::appendSystem(std::int64_t conversationId, const std::string& text)
{
    Result<std::int64_t> leaf = currentLeaf(m_db, conversationId);
    if (!leaf) return leaf.error();
    return insert(conversationId, *leaf, Role::System, text, MessageStatus::Complete);
}

Result<Message> Messages::beginAssistant(std::int64_t conversationId, std::int64_t parentId)
{
    return insert(conversationId, parentId, Role::Assistant, std::string(), MessageStatus::Streaming);
}

Status Messages::checkpoint(std::int64_t messageId, const std::string& text)
{
    // One statement is one short transaction (autocommit); the FTS triggers skip streaming rows.
    Statement st(m_db.handle(),
        "UPDATE messages SET content = ?, updated_at = ? WHERE id = ? AND status = 'streaming'");
    st.bind(1, text).bind(2, nowMs()).bind(3, messageId);
    if (st.step() != SQLITE_DONE) return m_db.lastError("cannot save the reply");
    if (sqlite3_changes(m_db.handle()) == 0)
        return makeError(
            ErrorCode::InvalidArgument, "message " + std::to_string(messageId) + " is not a streaming reply");
    return Ok {};
}

Status Messages::finish(std::int64_t messageId, const FinishInfo& info)
{
    if (info.status == MessageStatus::Streaming)
        return makeError(ErrorCode::InvalidArgument, "a finished reply cannot still be streaming");
    return m_db.transaction([&]() -> Status {
        std::int64_t now = nowMs();
        Statement st(m_db.handle(),
            "UPDATE messages SET content = ?, status = ?, prompt_tokens = ?, completion_tokens = ?, "
            "tokens_per_second = ?, error = ?, interrupted_by = ?, updated_at = ? "
            "WHERE id = ? AND status = 'streaming'");
        const Interruption interruption
            = info.status == MessageStatus::Interrupted ? info.interruption : Interruption::None;
        st.bind(1, info.text).bind(2, statusName(info.status)).bind(3, info.promptTokens);
        st.bind(4, info.completionTokens).bind(5, info.tokensPerSecond).bind(6, info.error);
        st.bind(7, interruptionName(interruption)).bind(8, now).bind(9, messageId);
        if (st.step() != SQLITE_DONE) return m_db.lastError("cannot save the reply");
        if (sqlite3_changes(m_db.handle()) == 0)
            return makeError(ErrorCode::InvalidArgument,
                "message " + std::to_string(messageId) + " is not a streaming reply");
        Statement touch(m_db.handle(),
            "UPDATE conversations SET updated_at = ? WHERE id = "
            "(SELECT conversation_id FROM messages WHERE id = ?)");
        touch.bind(1, now).bind(2, messageId);
        if (touch.step() != SQLITE_DONE) return m_db.lastError("cannot update the conversation");
        return Ok {};
    });
}

Status Messages::resume(std::int64_t messageId, const std::string& text)
{
    Statement st(m_db.handle(),
        "UPDATE messages SET content = ?, status = 'streaming', interrupted_by = '', error = '', "
        "updated_at = ? WHERE id = ? AND role = 'assistant' AND status IN ('interrupted', 'failed')");
    st.bind(1, text).bind(2, nowMs()).bind(3, messageId);
    if (st.step() != SQLITE_DONE) return m_db.lastError("cannot continue the reply");
    if (sqlite3_changes(m_db.handle()) == 0)
        return makeError(ErrorCode::InvalidArgument,
            "message " + std::to_string(messageId) + " is not an interrupted or failed reply");
    return Ok {};
}

Result<Message> Messages::editResend(std::int64_t userMessageId, const std::string& newText)
{
    Result<Message> original = get(userMessageId);
    if (!original) return original.error();
    if (original->role != Role::User)
        return makeError(ErrorCode::InvalidArgument,
            "message " + std::to_string(userMessageId) + " is not a user message");
    return insert(original->conversationId, original->parentId, Role::User, newText, MessageStatus::Complete);
}

Result<std::int64_t> Messages::select(std::int64_t messageId)
{
    Result<Message> message = get(messageId);
    if (!message) return message.error();
    // Follow the newest child down to a leaf: the branch the user saw last under that alternative.
    std::int64_t leaf = messageId;
    Statement child(m_db.handle(),
        "SELECT id FROM messages WHERE conversation_id = ? AND parent_id = ? ORDER BY id DESC LIMIT 1");
    for (;;) {
        child.reset();
        child.bind(1, message->conversationId).bind(2, leaf);
        int rc = child.step();
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) return m_db.lastError("cannot walk the conversation");
        leaf = child.i64(0);
    }
    if (Status s = setLeaf(m_db, message->conversationId, leaf); !s) return s.error();
    return leaf;
}

Result<std::int64_t> Messages::selectSibling(std::int64_t messageId, int offset)
{
    Result<std::vector<Message>> all = siblings(messageId);
    if (!all) return all.error();
    const std::vector<Message>& list = *all;
    auto here = std::find_if(list.begin(), list.end(), [&](const Message& m) { return m.id == messageId; });
    int index = int(here - list.begin()) + offset;
    index = std::clamp(index, 0, int(list.size()) - 1);
    Result<std::int64_t> leaf = select(list[size_t(index)].id);
    if (!leaf) return leaf.error();
    return list[size_t(index)].id;
}

Result<int> Messages::markStreamingInterrupted()
{
    Statement st(m_db.handle(),
        "UPDATE messages SET status = 'interrupted', interrupted_by = 'appClosed', updated_at = ? "
        "WHERE status = 'streaming'");
    st.bind(1, nowMs());
    if (st.step() != SQLITE_DONE) return m_db.lastError("cannot recover interrupted replies");
    return sqlite3_changes(m_db.handle());
}

} // namespace hearth::storage
