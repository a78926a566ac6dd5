// Export to Markdown / JSON and import from JSON (see export.h for the JSON format).
#include "storage/export.h"

#include "storage/documents.h"
#include "storage/messages.h"
#include "storage/statement.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <map>

namespace hearth::storage {

namespace {

constexpr const char* kFormat = "hearth-conversation";
constexpr int kFormatVersion = 1;

QString q(const std::string& text)
{
    return QString::fromStdString(text);
}
std::string s(const QJsonValue& value)
{
    return value.toString().toStdString();
}
std::int64_t i64(const QJsonValue& value)
{
    return std::int64_t(value.toDouble());
}

std::string isoTime(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate).toStdString();
}

QJsonObject messageJson(const Message& m)
{
    return QJsonObject { { "id", double(m.id) }, { "parent", double(m.parentId) },
        { "role", roleName(m.role) }, { "text", q(m.text) }, { "status", statusName(m.status) },
        { "createdAt", double(m.createdAt) }, { "updatedAt", double(m.updatedAt) },
        { "promptTokens", m.promptTokens }, { "completionTokens", m.completionTokens },
        { "tokensPerSecond", m.tokensPerSecond }, { "error", q(m.error) } };
}

} // namespace

Result<std::string> exportMarkdown(Database& db, std::int64_t conversationId)
{
    Result<Conversation> conversation = Conversations(db).get(conversationId);
    if (!conversation) return conversation.error();
    Result<std::vector<Message>> thread = Messages(db).thread(conversationId);
    if (!thread) return thread.error();

    // The thread the user sees, top to bottom; alternatives and unusual statuses are noted in headings.
    std::string md
        = "# " + (conversation->title.empty() ? std::string("Conversation") : conversation->title) + "\n\n";
    md += "*Created " + isoTime(conversation->createdAt) + " UTC";
    if (!conversation->settings.model.empty()) md += " · model " + conversation->settings.model;
    md += "*\n\n";
    if (!conversation->settings.systemPrompt.empty())
        md += "> **System prompt:** " + conversation->settings.systemPrompt + "\n\n";
    for (const Message& m : *thread) {
        std::string heading = m.role == Role::User ? "You"
            : m.role == Role::Assistant            ? "Assistant"
                                                   : "System";
        md += "## " + heading;
        if (m.siblingCount > 1)
            md += " (alternative " + std::to_string(m.siblingIndex + 1) + " of "
                + std::to_string(m.siblingCount) + ")";
        if (m.status != MessageStatus::Complete) md += std::string(" — ") + statusName(m.status);
        md += "\n\n" + m.text + "\n\n";
        if (m.status == MessageStatus::Failed && !m.error.empty()) md += "*Error: " + m.error + "*\n\n";
    }
    return md;
}

Result<std::string> exportJson(Database& db, std::int64_t conversationId)
{
    Result<Conversation> conversation = Conversations(db).get(conversationId);
    if (!conversation) return conversation.error();
    Result<std::vector<Message>> messages = Messages(db).all(conversationId);
    if (!messages) return messages.error();
    Documents documents(db);
    Result<std::vector<Document>> attached = documents.list(conversationId, true);
    if (!attached) return attached.error();

    const Conversation& c = *conversation;
    QJsonObject sampling
        = QJsonDocument::fromJson(QByteArray::fromStdString(c.settings.samplingJson)).object();
    QJsonObject conversationJson { { "title", q(c.title) }, { "createdAt", double(c.createdAt) },
        { "updatedAt", double(c.updatedAt) }, { "pinned", c.pinned }, { "model", q(c.settings.model) },
        { "systemPrompt", q(c.settings.systemPrompt) }, { "sampling", sampling },
        { "currentLeaf", double(c.currentLeafId) } };
    QJsonArray messagesJson;
    for (const Message& m : *messages)
        messagesJson.append(messageJson(m));
    QJsonArray documentsJson;
    for (const Document& d : *attached) {
        Result<std::vector<Passage>> passages = documents.passages(d.id);
        if (!passages) return passages.error();
        QJsonArray passagesJson;
        for (const Passage& p : *passages)
            passagesJson.append(QJsonObject { { "offset", double(p.offset) }, { "text", q(p.text) } });
        documentsJson.append(QJsonObject { { "path", q(d.path) }, { "checksum", q(d.checksum) },
            { "text", q(d.text) }, { "createdAt", double(d.createdAt) }, { "passages", passagesJson } });
    }
    QJsonObject root { { "format", kFormat }, { "version", kFormatVersion },
        { "conversation", conversationJson }, { "messages", messagesJson }, { "documents", documentsJson } };
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

Result<Conversation> importJson(Database& db, const std::string& json)
{
    QJsonParseError parseError;
    QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &parseError);
    if (doc.isNull())
        return makeError(
            ErrorCode::BadFormat, "not a conversation export: " + parseError.errorString().toStdString());
    QJsonObject root = doc.object();
    if (root.value("format").toString() != kFormat)
        return makeError(
            ErrorCode::BadFormat, "not a conversation export (format is not \"hearth-conversation\")");
    if (root.value("version").toInt() != kFormatVersion)
        return makeError(ErrorCode::Unsupported,
            "conversation export version " + std::to_string(root.value("version").toInt())
                + " is not supported (expected " + std::to_string(kFormatVersion) + ")");
    QJsonObject c = root.value("conversation").toObject();
    std::int64_t newId = 0;

    Status imported = db.transaction([&]() -> Status {
        // The conversation row, with its original times and settings.
        Statement conv(db.handle(),
            "INSERT INTO conversations (title, created_at, updated_at, pinned, model, system_prompt, "
            "sampling_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
        std::string sampling
            = QJsonDocument(c.value("sampling").toObject()).toJson(QJsonDocument::Compact).toStdString();
        conv.bind(1, s(c.value("title")))
            .bind(2, i64(c.value("createdAt")))
            .bind(3, i64(c.value("updatedAt")));
        conv.bind(4, c.value("pinned").toBool() ? 1 : 0).bind(5, s(c.value("model")));
        conv.bind(6, s(c.value("systemPrompt"))).bind(7, sampling);
        if (conv.step() != SQLITE_DONE) return db.lastError("cannot import the conversation");
        newId = sqlite3_last_insert_rowid(db.handle());

        // Messages in file order; parents must come before their children (export writes id order).
        std::map<std::int64_t, std::int64_t> idMap; // file id → new id
        Statement msg(db.handle(),
            "INSERT INTO messages (conversation_id, parent_id, role, content, status, created_at, "
            "updated_at, prompt_tokens, completion_tokens, tokens_per_second, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const QJsonValue& value : root.value("messages").toArray()) {
            QJsonObject m = value.toObject();
            std::int64_t fileId = i64(m.value("id"));
            std::int64_t fileParent = i64(m.value("parent"));
            std::optional<Role> role = roleFromName(s(m.value("role")));
            std::optional<MessageStatus> status = statusFromName(s(m.value("status")));
            if (!role || !status)
                return makeError(ErrorCode::BadFormat,
                    "message " + std::to_string(fileId) + " has an unknown role or status");
            if (*status == MessageStatus::Streaming) status = MessageStatus::Interrupted;
            std::int64_t parent = 0;
            if (fileParent) {
                auto found = idMap.find(fileParent);
                if (found == idMap.end())
                    return makeError(ErrorCode::BadFormat,
                        "message " + std::to_string(fileId) + " comes before its parent "
                            + std::to_string(fileParent));
                parent = found->second;
            }
            msg.reset();
            msg.bind(1, newId).bindId(2, parent).bind(3, roleName(*role)).bind(4, s(m.value("text")));
            msg.bind(5, statusName(*status))
                .bind(6, i64(m.value("createdAt")))
                .bind(7, i64(m.value("updatedAt")));
            msg.bind(8, m.value("promptTokens").toInt()).bind(9, m.value("completionTokens").toInt());
            msg.bind(10, m.value("tokensPerSecond").toDouble()).bind(11, s(m.value("error")));
            if (msg.step() != SQLITE_DONE) return db.lastError("cannot import a message");
            idMap[fileId] = sqlite3_last_insert_rowid(db.handle());
        }
        auto leaf = idMap.find(i64(c.value("currentLeaf")));
        Statement setLeaf(db.handle(), "UPDATE conversations SET current_leaf_id = ? WHERE id = ?");
        setLeaf.bind(1, leaf == idMap.end() ? std::int64_t(0) : leaf->second).bind(2, newId);
        if (setLeaf.step() != SQLITE_DONE) return db.lastError("cannot import the conversation");

        // Documents and their passages (nested transactions are not needed: insert directly).
        Statement docSt(db.handle(),
            "INSERT INTO documents (conversation_id, path, checksum, content, created_at) "
            "VALUES (?, ?, ?, ?, ?)");
        Statement passageSt(db.handle(),
            "INSERT INTO passages (document_id, ordinal, start_offset, content) "
            "VALUES (?, ?, ?, ?)");
        for (const QJsonValue& value : root.value("documents").toArray()) {
            QJsonObject d = value.toObject();
            docSt.reset();
            docSt.bind(1, newId).bind(2, s(d.value("path"))).bind(3, s(d.value("checksum")));
            docSt.bind(4, s(d.value("text"))).bind(5, i64(d.value("createdAt")));
            if (docSt.step() != SQLITE_DONE) return db.lastError("cannot import a document");
            std::int64_t documentId = sqlite3_last_insert_rowid(db.handle());
            int ordinal = 0;
            for (const QJsonValue& p : d.value("passages").toArray()) {
                passageSt.reset();
                passageSt.bind(1, documentId).bind(2, ordinal++).bind(3, i64(p.toObject().value("offset")));
                passageSt.bind(4, s(p.toObject().value("text")));
                if (passageSt.step() != SQLITE_DONE) return db.lastError("cannot import a passage");
            }
        }
        return Ok {};
    });
    if (!imported) return imported.error();
    return Conversations(db).get(newId);
}

} // namespace hearth::storage
