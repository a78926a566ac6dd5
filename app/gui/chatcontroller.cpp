// ChatController, part 1: wiring, opening a conversation, per-conversation overrides and notices.
#include "chatcontroller.h"

#include "chatstore.h"
#include "engineclient.h"
#include "librarycontroller.h"
#include "modelcontroller.h"
#include "settingscontroller.h"
#include "storage/conversations.h"
#include "storage/messages.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace hearth::storage;
using hearth::Result;

namespace {

struct Opened {
    Conversation conversation;
    std::vector<Message> thread;
};

QVariantMap overridesFrom(const Conversation& c)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(c.settings.samplingJson))
        .object()
        .toVariantMap();
}

} // namespace

ChatController::ChatController(QObject* parent)
    : QObject(parent)
{
    m_flushTimer.setInterval(16);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &ChatController::flushPending);
}

ChatController::~ChatController()
{
    // A reply still streaming at exit keeps its text: the store writes the last checkpoint and the
    // next start marks it interrupted.
    flushPending();
}

void ChatController::setStore(ChatStore* store)
{
    if (store == m_store) return;
    m_store = store;
    emit storeChanged();
    if (m_store) connect(m_store, &ChatStore::readyChanged, this, &ChatController::canSendChanged);
}

void ChatController::setEngine(EngineClient* engine)
{
    if (engine == m_engine) return;
    if (m_engine) disconnect(m_engine, nullptr, this, nullptr);
    m_engine = engine;
    emit engineChanged();
    if (!m_engine) return;
    connect(m_engine, &EngineClient::pieceReceived, this, &ChatController::onPiece);
    connect(m_engine, &EngineClient::generationFinished, this, &ChatController::onFinished);
    connect(m_engine, &EngineClient::generationFailed, this, &ChatController::onFailed);
    connect(m_engine, &EngineClient::engineCrashed, this, &ChatController::onCrashed);
    connect(m_engine, &EngineClient::runningChanged, this, &ChatController::canSendChanged);
    connect(m_engine, &EngineClient::runningChanged, this, &ChatController::onEngineStateChanged);
}

void ChatController::setSettings(SettingsController* settings)
{
    if (settings == m_settings) return;
    m_settings = settings;
    emit settingsChanged();
}

void ChatController::setModel(ModelController* model)
{
    if (model == m_model) return;
    if (m_model) disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    emit modelChanged();
    if (m_model) {
        connect(m_model, &ModelController::stateChanged, this, &ChatController::canSendChanged);
        connect(m_model, &ModelController::stateChanged, this, &ChatController::onEngineStateChanged);
    }
    emit canSendChanged();
}

void ChatController::setLibrary(LibraryController* library)
{
    if (library == m_library) return;
    if (m_library) disconnect(m_library, nullptr, this, nullptr);
    m_library = library;
    emit libraryChanged();
    if (!m_library) return;
    connect(m_library, &LibraryController::removing, this, &ChatController::onConversationRemoving);
    connect(m_library, &LibraryController::refreshed, this, &ChatController::onConversationRefreshed);
    connect(m_library, &LibraryController::failed, this, [this](const QString& message) {
        setNotice(tr("Could not read your conversations: %1").arg(message), "error");
    });
}

QString ChatController::sendBlockedReason() const
{
    if (!m_store || !m_store->ready())
        return m_store && !m_store->error().isEmpty() ? m_store->error() : tr("Opening your conversations…");
    if (!m_model || m_model->state() == "none")
        return tr("No model is loaded. Open a GGUF model file to start.");
    if (m_model->state() == "loading")
        return tr("Loading the model… %1%").arg(int(m_model->progress() * 100));
    if (m_model->state() == "error") return tr("The model could not be loaded: %1").arg(m_model->error());
    // One reply at a time: in another conversation, say which one is being written.
    if (generating() && !writingHere())
        return tr("Hearth is writing in “%1”. Wait for that reply, or press Esc to stop it.")
            .arg(writingTitle());
    if (generating() || m_starting) return tr("Wait for the reply, or press Stop (Esc).");
    return {};
}

QString ChatController::writingTitle() const
{
    if (!generating()) return {};
    const QString title = m_library ? m_library->titleOf(m_stream.conversationId) : QString();
    return title.isEmpty() ? tr("another chat") : title;
}

bool ChatController::refuse(const QString& reason)
{
    // Nothing the user asks for is dropped silently.
    setNotice(reason, "info");
    return false;
}

void ChatController::onEngineStateChanged()
{
    // After an engine death the notice follows the restart: back (and with the model again), or not.
    if (!m_restart.pending) return;
    const QString state = m_model ? m_model->state() : QStringLiteral("none");
    if (state == "error") {
        m_restart = {};
        setNotice(
            tr("The engine was restarted, but the model could not be loaded again: %1").arg(m_model->error()),
            "error");
        return;
    }
    if (!m_engine || !m_engine->running() || state == "loading") return;
    const Restart restart = std::exchange(m_restart, {});
    QString text;
    if (state != "loaded")
        text = tr("The engine was restarted.");
    else if (restart.backendBefore == "vulkan" && m_model->info().value("backend").toString() == "cpu")
        text = tr("The engine was restarted and the model is loaded again, on the CPU.");
    else
        text = tr("The engine was restarted and the model is loaded again.");
    if (restart.replyInterrupted)
        text += ' ' + tr("The interrupted reply is kept: press Continue under it to resume it.");
    setNotice(text, "info");
}

void ChatController::newConversation()
{
    // Nothing is written until the first message: an empty chat leaves no row behind.
    setCurrent(0, QString(), {});
    m_currentSystemPrompt.clear();
    m_messages.clear();
}

void ChatController::openConversation(qint64 conversationId, qint64 atMessageId)
{
    if (!m_store || conversationId <= 0) return;
    m_store->async().post(
        this,
        [conversationId, atMessageId](Database& db) -> Result<Opened> {
            Messages messages(db);
            // A search hit on another branch: show that branch.
            if (atMessageId > 0) {
                auto thread = messages.thread(conversationId);
                if (!thread.ok()) return thread.error();
                bool onThread = false;
                for (const Message& m : thread.value())
                    onThread = onThread || m.id == atMessageId;
                if (!onThread) {
                    auto selected = messages.select(atMessageId);
                    if (!selected.ok()) return selected.error();
                }
            }
            auto conversation = Conversations(db).get(conversationId);
            if (!conversation.ok()) return conversation.error();
            auto thread = messages.thread(conversationId);
            if (!thread.ok()) return thread.error();
            return Opened { conversation.value(), thread.value() };
        },
        [this, atMessageId](Result<Opened> opened) {
            if (!opened.ok()) {
                setNotice(QString::fromStdString(opened.error().message), "error");
                return;
            }
            const Conversation& c = opened->conversation;
            if (c.id != m_currentId) m_messages.clear(); // another conversation: no rows in common
            setCurrent(c.id, QString::fromStdString(c.title), overridesFrom(c));
            m_currentSystemPrompt = QString::fromStdString(c.settings.systemPrompt);
            m_messages.setThread(opened->thread);
            // A reply of this conversation still streaming shows what arrived so far.
            if (m_stream.conversationId == c.id) {
                const int row = m_messages.rowForId(m_stream.messageId);
                m_stream.pending.clear();
                if (row >= 0) m_messages.appendText(row, m_stream.text.mid(m_messages.textAt(row).size()));
            }
            m_highlightId = atMessageId;
            emit highlightChanged();
            if (m_library) m_library->refresh(c.id);
            emit conversationOpened(c.id);
            if (atMessageId > 0) emit scrollToRow(m_messages.rowForId(atMessageId));
        });
}

void ChatController::setOverride(const QString& key, const QVariant& value)
{
    m_overrides.insert(key, value);
    emit currentChanged();
    saveOverrides();
}

void ChatController::clearOverrides()
{
    m_overrides.clear();
    emit currentChanged();
    saveOverrides();
}

void ChatController::saveOverrides()
{
    if (!m_store || !m_currentId) return;
    const qint64 id = m_currentId;
    const std::string json = QJsonDocument(QJsonObject::fromVariantMap(m_overrides))
                                 .toJson(QJsonDocument::Compact)
                                 .toStdString();
    m_store->async().post([id, json](Database& db) -> hearth::Status {
        auto c = Conversations(db).get(id);
        if (!c.ok()) return c.error();
        ConversationSettings s = c->settings;
        s.samplingJson = json;
        return Conversations(db).setSettings(id, s);
    });
}

void ChatController::dismissNotice()
{
    setNotice(QString(), QString());
}

void ChatController::setNotice(const QString& text, const QString& kind)
{
    m_notice = text;
    m_noticeKind = kind;
    emit noticeChanged();
}

void ChatController::setCurrent(qint64 id, const QString& title, const QVariantMap& overrides)
{
    m_currentId = id;
    m_currentTitle = title;
    m_overrides = overrides;
    m_highlightId = 0;
    emit currentChanged();
    emit highlightChanged();
    emit writingChanged();
    emit canSendChanged();
}

void ChatController::refreshConversation(qint64 id)
{
    if (m_library) m_library->refresh(id);
}

void ChatController::onConversationRemoving(qint64 id)
{
    if (m_stream.conversationId == id) stop();
    if (m_currentId == id) newConversation();
}

void ChatController::onConversationRefreshed(qint64 id, const QString& title)
{
    if (id != m_currentId || title == m_currentTitle) return;
    m_currentTitle = title;
    emit currentChanged();
}
