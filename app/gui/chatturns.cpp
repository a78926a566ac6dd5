// ChatController, part 2: chat turns. Each turn is written to the store first (the user's words are
// committed before the engine hears them), then the engine streams the reply; pieces are batched to
// one model update per frame and checkpointed to the store as they come.
#include "chatcontroller.h"
#include "chatstore.h"
#include "documents/documentcontext.h"
#include "engineclient.h"
#include "librarycontroller.h"
#include "modelcontroller.h"
#include "settingscontroller.h"
#include "storage/conversations.h"
#include "storage/messages.h"

#include <QJsonArray>
#include <algorithm>

using namespace hearth::storage;
using hearth::Result;

// What the worker hands back when a turn starts: the conversation, its thread ending in the
// streaming reply (new and empty, or an interrupted one resumed by Continue).
struct TurnStart {
    Conversation conversation;
    std::vector<Message> thread;
    std::string documentContext; // passages of an attached document that match the question, or empty
    bool continuing = false; // the reply keeps its text and the engine goes on from it
};

namespace {

// The thread and conversation of a turn whose streaming reply is the leaf, answering `userId`.
Result<TurnStart> turnFor(Database& db, std::int64_t conversationId, std::int64_t userId)
{
    Messages messages(db);
    auto thread = messages.thread(conversationId);
    if (!thread.ok()) return thread.error();
    auto conversation = Conversations(db).get(conversationId);
    if (!conversation.ok()) return conversation.error();
    // A conversation about a document answers from the passages that best match the question.
    std::string question;
    for (const Message& m : thread.value())
        if (m.id == userId) question = m.text;
    std::string context = documentContextFor(db, conversationId, question);
    return TurnStart { conversation.value(), thread.value(), std::move(context) };
}

// The common tail of every new turn: a streaming reply under `userId`, then the thread and conversation.
Result<TurnStart> beginReply(Database& db, std::int64_t conversationId, std::int64_t userId)
{
    auto reply = Messages(db).beginAssistant(conversationId, userId);
    if (!reply.ok()) return reply.error();
    return turnFor(db, conversationId, userId);
}

// The text a continued reply goes on from: the prompt renders it trimmed, so it is stored trimmed
// too, and the continuation lands right after its last character.
QString withoutTrailingSpace(const QString& text)
{
    qsizetype end = text.size();
    while (end > 0 && text.at(end - 1).isSpace())
        --end;
    return text.left(end);
}

QString titleFrom(const QString& text)
{
    QString title = text.section('\n', 0, 0).simplified();
    if (title.size() > 48) title = title.left(47) + QChar(0x2026);
    return title.isEmpty() ? QObject::tr("New chat") : title;
}

} // namespace

template <typename Work> void ChatController::startTurn(Work work)
{
    m_starting = true;
    emit canSendChanged();
    m_store->async().post(this, work, [this](Result<TurnStart> turn) {
        m_starting = false;
        if (!turn.ok()) {
            setNotice(tr("Could not save the message: %1").arg(QString::fromStdString(turn.error().message)),
                "error");
            emit canSendChanged();
            return;
        }
        beginTurn(turn.value());
    });
}

bool ChatController::send(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || !canSend()) return false;
    const qint64 conversationId = m_currentId;
    const std::string body = trimmed.toStdString();
    ConversationSettings settings;
    // The model as the bar names it: a file's name, or "model @ server" for a server's model.
    settings.model = m_model ? m_model->displayName().toStdString() : "";
    const std::string title = titleFrom(trimmed).toStdString();
    startTurn([conversationId, body, settings, title](Database& db) -> Result<TurnStart> {
        std::int64_t id = conversationId;
        // The first message creates the conversation, titled after it.
        if (id == 0) {
            auto created = Conversations(db).create(title, settings);
            if (!created.ok()) return created.error();
            id = created->id;
        }
        auto user = Messages(db).appendUser(id, body);
        if (!user.ok()) return user.error();
        return beginReply(db, id, user->id);
    });
    return true;
}

bool ChatController::regenerate(qint64 assistantMessageId)
{
    const int row = m_messages.rowForId(assistantMessageId);
    const Message* m = m_messages.messageAt(row);
    if (!m || m->role != Role::Assistant)
        return refuse(tr("Only a reply of the open conversation can be regenerated."));
    if (!canSend()) return refuse(sendBlockedReason());
    const std::int64_t conversationId = m->conversationId;
    const std::int64_t parentId = m->parentId;
    // A new sibling reply: the old one stays as alternative 1 of 2.
    startTurn([conversationId, parentId](Database& db) { return beginReply(db, conversationId, parentId); });
    return true;
}

bool ChatController::continueReply(qint64 assistantMessageId)
{
    const int row = m_messages.rowForId(assistantMessageId);
    const Message* m = m_messages.messageAt(row);
    const bool unfinished
        = m && (m->status == MessageStatus::Interrupted || m->status == MessageStatus::Failed);
    const QString text = withoutTrailingSpace(m_messages.textAt(row));
    if (!m || m->role != Role::Assistant || !unfinished || text.isEmpty())
        return refuse(tr("Only an interrupted reply with some text can be continued."));
    // Later messages answered the reply as it stands; continuing it under them would rewrite history.
    if (row != m_messages.rowCount() - 1)
        return refuse(tr("Only the last reply of a conversation can be continued."));
    if (!canSend()) return refuse(sendBlockedReason());
    const std::int64_t conversationId = m->conversationId;
    const std::int64_t parentId = m->parentId;
    const std::int64_t id = m->id;
    const std::string body = text.toStdString();
    startTurn([conversationId, parentId, id, body](Database& db) -> Result<TurnStart> {
        if (auto resumed = Messages(db).resume(id, body); !resumed.ok()) return resumed.error();
        auto turn = turnFor(db, conversationId, parentId);
        if (turn.ok()) turn->continuing = true;
        return turn;
    });
    return true;
}

bool ChatController::editAndResend(qint64 userMessageId, const QString& text)
{
    const Message* m = m_messages.messageAt(m_messages.rowForId(userMessageId));
    const std::string body = text.trimmed().toStdString();
    if (!m || m->role != Role::User || body.empty())
        return refuse(tr("Write the edited message before sending it."));
    if (!canSend()) return refuse(sendBlockedReason());
    const std::int64_t conversationId = m->conversationId;
    // The edited message sits beside the original, whose branch is kept.
    startTurn([conversationId, userMessageId, body](Database& db) -> Result<TurnStart> {
        auto edited = Messages(db).editResend(userMessageId, body);
        if (!edited.ok()) return edited.error();
        return beginReply(db, conversationId, edited->id);
    });
    return true;
}

bool ChatController::switchAlternative(qint64 messageId, int offset)
{
    if (!m_store) return false;
    // The thread being written keeps its shape until the reply ends; other conversations are free.
    if (writingHere() || m_starting)
        return refuse(tr("Wait for the reply, or press Stop (Esc), before switching versions."));
    const qint64 conversationId = m_currentId;
    m_store->async().post(
        this,
        [messageId, offset, conversationId](Database& db) -> Result<std::vector<Message>> {
            Messages messages(db);
            auto selected = messages.selectSibling(messageId, offset);
            if (!selected.ok()) return selected.error();
            return messages.thread(conversationId);
        },
        [this, conversationId](Result<std::vector<Message>> thread) {
            if (thread.ok() && conversationId == m_currentId) m_messages.setThread(thread.value());
        });
    return true;
}

void ChatController::beginTurn(const TurnStart& turn)
{
    // Step 1: show the conversation with the new rows (minimal model change) and its sidebar row.
    const Conversation& c = turn.conversation;
    if (c.id != m_currentId) {
        setCurrent(c.id, QString::fromStdString(c.title), m_overrides);
        m_currentSystemPrompt = QString::fromStdString(c.settings.systemPrompt);
        saveOverrides(); // overrides chosen before the first message belong to the new conversation
    }
    m_messages.setThread(turn.thread);
    if (m_library) m_library->show(c);
    const Message& reply = turn.thread.back();

    // Step 2: what the model sees — the system prompt, then the thread before the new reply (or, to
    // continue a reply, the thread ending with it).
    QJsonArray prompt;
    const QString system = !m_currentSystemPrompt.isEmpty() ? m_currentSystemPrompt
        : m_settings                                        ? m_settings->systemPrompt()
                                                            : QString();
    QString systemText = system.trimmed().isEmpty() ? QString() : system;
    if (!turn.documentContext.empty())
        systemText += (systemText.isEmpty() ? QString() : QStringLiteral("\n\n"))
            + QString::fromStdString(turn.documentContext);
    if (!systemText.isEmpty()) prompt.append(QJsonObject { { "role", "system" }, { "content", systemText } });
    const size_t shown = turn.continuing ? turn.thread.size() : turn.thread.size() - 1;
    for (size_t i = 0; i < shown; ++i) {
        const Message& m = turn.thread[i];
        if (m.text.empty()) continue;
        prompt.append(
            QJsonObject { { "role", roleName(m.role) }, { "content", QString::fromStdString(m.text) } });
    }

    // Step 3: ask the engine.
    m_stream = {};
    // A request id of its own per generation (a continued reply is generated more than once).
    m_stream.requestId = QStringLiteral("m%1.%2").arg(reply.id).arg(++m_requests);
    m_stream.messageId = reply.id;
    m_stream.conversationId = c.id;
    if (turn.continuing) {
        m_stream.text = QString::fromStdString(reply.text);
        m_stream.baseTokens = reply.completionTokens;
    }
    m_stream.sinceRequest.start();
    emit generatingChanged();
    emit writingChanged();
    emit canSendChanged();
    const QJsonObject sampler = m_settings ? m_settings->effectiveSampler(m_overrides) : QJsonObject();
    const int maxTokens = m_settings ? m_settings->effectiveMaxTokens(m_overrides) : 512;
    m_engine->generate(m_stream.requestId, prompt, sampler, maxTokens, { .continueLast = turn.continuing });
    emit scrollToRow(m_messages.rowCount() - 1);
}

void ChatController::stop()
{
    if (!generating() || !m_engine) return;
    m_stream.stopRequested = true;
    m_engine->cancel(m_stream.requestId);
}

void ChatController::onPiece(const QString& id, const QString& text)
{
    if (id != m_stream.requestId) return;
    m_stream.lastPieceMs = double(m_stream.sinceRequest.nsecsElapsed()) / 1e6;
    if (m_stream.firstPieceMs < 0) m_stream.firstPieceMs = m_stream.lastPieceMs;
    ++m_stream.pieces;
    m_stream.text += text;
    m_stream.pending += text;
    // The store throttles checkpoints itself; the model waits for the next frame.
    if (m_store) m_store->async().checkpointLater(m_stream.messageId, m_stream.text.toStdString());
    if (!m_flushTimer.isActive()) m_flushTimer.start();
}

void ChatController::flushPending()
{
    if (m_stream.pending.isEmpty()) return;
    if (m_stream.conversationId == m_currentId)
        m_messages.appendText(m_messages.rowForId(m_stream.messageId), m_stream.pending);
    m_stream.pending.clear();
}

void ChatController::onFinished(const QString& id, const QVariantMap& stats)
{
    if (id != m_stream.requestId) return;
    const bool cancelled = stats.value("stopReason").toString() == "cancelled";
    closeStream(int(cancelled ? MessageStatus::Interrupted : MessageStatus::Complete), QString(), stats,
        int(cancelled ? Interruption::ByUser : Interruption::None));
    // Context overflow is never silent.
    const int dropped = stats.value("droppedMessages").toInt();
    if (dropped > 0)
        setNotice(tr("This conversation no longer fits the model's context window: the oldest %n "
                     "message(s) were left out of what the model saw (the system prompt was kept).",
                      nullptr, dropped),
            "warning");
    else if (stats.value("stopReason").toString() == "contextFull")
        setNotice(tr("The reply stopped because the context window is full. Start a new chat or "
                     "raise the context size in Settings."),
            "warning");
}

void ChatController::onFailed(const QString& id, const QString& code, const QString& message)
{
    if (id != m_stream.requestId) return;
    closeStream(int(MessageStatus::Failed), message, {});
    setNotice(tr("The reply failed: %1").arg(message), "error");
}

void ChatController::onCrashed(const QString& id, const QString& message)
{
    // The notice is replaced when the engine is back (onEngineStateChanged).
    m_restart.pending = true;
    m_restart.backendBefore = m_model ? m_model->info().value("backend").toString() : QString();
    if (!id.isEmpty() && id == m_stream.requestId) {
        m_restart.replyInterrupted = true;
        closeStream(int(MessageStatus::Interrupted), QString(), {}, int(Interruption::EngineStopped));
        setNotice(message + ' ' + tr("The reply so far is kept and marked as interrupted."), "error");
    } else {
        setNotice(message, "warning");
    }
}

void ChatController::closeStream(int status, const QString& error, const QVariantMap& stats, int interruption)
{
    // Step 1: the last pieces reach the view.
    flushPending();
    const Stream s = std::exchange(m_stream, {});
    m_flushTimer.stop();

    // Step 2: the final record, written by the store in its own transaction.
    FinishInfo info;
    // The counts are the engine's when it sent them; a reply cut short counts what arrived (the
    // engine sends a piece per token that completes text, so the pieces are the tokens received).
    info.status = MessageStatus(status);
    info.interruption = Interruption(interruption);
    info.text = s.text.toStdString();
    info.promptTokens = stats.value("promptTokens").toInt();
    info.completionTokens = s.baseTokens + std::max(stats.value("generatedTokens").toInt(), s.pieces);
    info.tokensPerSecond = stats.value("decodeTokensPerSecond").toDouble();
    if (info.tokensPerSecond <= 0 && s.pieces > 1 && s.lastPieceMs > s.firstPieceMs)
        info.tokensPerSecond = (s.pieces - 1) * 1000.0 / (s.lastPieceMs - s.firstPieceMs);
    info.error = error.toStdString();
    if (const Message* m = m_messages.messageAt(m_messages.rowForId(s.messageId))) {
        Message updated = *m;
        updated.status = info.status;
        updated.text = info.text;
        updated.promptTokens = info.promptTokens;
        updated.completionTokens = info.completionTokens;
        updated.tokensPerSecond = info.tokensPerSecond;
        updated.error = info.error;
        updated.interruption = info.interruption;
        m_messages.updateMessage(updated);
    }
    QVariantMap measured = stats;
    measured.insert("guiFirstPieceMs", s.firstPieceMs);
    measured.insert("guiTotalMs", double(s.sinceRequest.nsecsElapsed()) / 1e6);
    m_lastStats = measured;
    emit lastStatsChanged();
    emit generatingChanged();
    emit writingChanged();
    emit canSendChanged();
    const QString statusText = QString::fromLatin1(statusName(info.status));
    if (m_store) {
        m_store->async().finishReply(s.messageId, info, this, [this, s, statusText](hearth::Status st) {
            if (!st.ok())
                setNotice(tr("Could not save the reply: %1").arg(QString::fromStdString(st.error().message)),
                    "error");
            refreshConversation(s.conversationId);
            emit replyFinished(s.messageId, statusText);
        });
    } else {
        emit replyFinished(s.messageId, statusText);
    }
}
