// ChatController: the open conversation. Shows its thread (MessageModel) and per-conversation
// settings, turns the user's actions into store requests (worker thread) and engine requests (child
// process), and streams replies into MessageModel at most once per frame while checkpointing them to
// the store. The sidebar's list, search and deletion are LibraryController's.
// Split in two files: chatcontroller.cpp (opening a conversation, overrides, notices) and
// chatturns.cpp (send, regenerate, edit, continue, stop, streaming).
//
// The engine writes one reply at a time. While it writes in one conversation, the others stay open to
// read and type in, but sending, regenerating, editing and continuing are refused with a reason that
// names the conversation being written (sendBlockedReason); Stop belongs to that conversation
// (writingHere), and the sidebar marks it (writingConversationId).
#pragma once

#include "librarycontroller.h"
#include "messagemodel.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

class ChatStore;
class EngineClient;
class ModelController;
class SettingsController;
struct TurnStart;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_MOC_INCLUDE("chatstore.h")
    Q_MOC_INCLUDE("engineclient.h")
    Q_MOC_INCLUDE("settingscontroller.h")
    Q_MOC_INCLUDE("modelcontroller.h")
    Q_PROPERTY(ChatStore* store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(EngineClient* engine READ engine WRITE setEngine NOTIFY engineChanged)
    Q_PROPERTY(SettingsController* settings READ settings WRITE setSettings NOTIFY settingsChanged)
    Q_PROPERTY(ModelController* model READ model WRITE setModel NOTIFY modelChanged)
    Q_PROPERTY(LibraryController* library READ library WRITE setLibrary NOTIFY libraryChanged)
    Q_PROPERTY(MessageModel* messages READ messages CONSTANT)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentChanged)
    Q_PROPERTY(QVariantMap overrides READ overrides NOTIFY currentChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged) // a reply is being written, anywhere
    // The conversation whose reply is being written (0: none), its title, and whether it is the open one.
    Q_PROPERTY(qint64 writingConversationId READ writingConversationId NOTIFY writingChanged)
    Q_PROPERTY(QString writingTitle READ writingTitle NOTIFY writingChanged)
    Q_PROPERTY(bool writingHere READ writingHere NOTIFY writingChanged)
    Q_PROPERTY(bool canSend READ canSend NOTIFY canSendChanged)
    Q_PROPERTY(QString sendBlockedReason READ sendBlockedReason NOTIFY canSendChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    Q_PROPERTY(QString noticeKind READ noticeKind NOTIFY noticeChanged) // "info" | "warning" | "error"
    Q_PROPERTY(qint64 highlightMessageId READ highlightMessageId NOTIFY highlightChanged)
    Q_PROPERTY(QVariantMap lastStats READ lastStats NOTIFY lastStatsChanged)

public:
    explicit ChatController(QObject* parent = nullptr);
    ~ChatController() override;

    ChatStore* store() const { return m_store; }
    void setStore(ChatStore* store);
    EngineClient* engine() const { return m_engine; }
    void setEngine(EngineClient* engine);
    SettingsController* settings() const { return m_settings; }
    void setSettings(SettingsController* settings);
    ModelController* model() const { return m_model; }
    void setModel(ModelController* model);
    LibraryController* library() const { return m_library; }
    void setLibrary(LibraryController* library);

    MessageModel* messages() { return &m_messages; }
    qint64 currentConversationId() const { return m_currentId; }
    QString currentTitle() const { return m_currentTitle; }
    QVariantMap overrides() const { return m_overrides; }
    bool generating() const { return !m_stream.requestId.isEmpty(); }
    qint64 writingConversationId() const { return generating() ? m_stream.conversationId : 0; }
    QString writingTitle() const;
    bool writingHere() const { return generating() && m_stream.conversationId == m_currentId; }
    bool canSend() const { return sendBlockedReason().isEmpty(); }
    QString sendBlockedReason() const;
    QString notice() const { return m_notice; }
    QString noticeKind() const { return m_noticeKind; }
    qint64 highlightMessageId() const { return m_highlightId; }
    QVariantMap lastStats() const { return m_lastStats; }

    // The open conversation (chatcontroller.cpp). Opening one also puts it in the library's list,
    // whoever made it (an import, a summary).
    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void openConversation(qint64 conversationId, qint64 atMessageId = 0);
    Q_INVOKABLE void setOverride(const QString& key, const QVariant& value);
    Q_INVOKABLE void clearOverrides();
    Q_INVOKABLE void dismissNotice();

    // Turns (chatturns.cpp). Each returns false when it was refused; the reason is then the notice
    // (send's is sendBlockedReason, shown by the composer).
    Q_INVOKABLE bool send(const QString& text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE bool regenerate(qint64 assistantMessageId);
    Q_INVOKABLE bool editAndResend(qint64 userMessageId, const QString& text);
    // Continue an interrupted (or failed) reply, the last of its thread: the model goes on from its
    // text and the new words are appended to the same message.
    Q_INVOKABLE bool continueReply(qint64 assistantMessageId);
    Q_INVOKABLE bool switchAlternative(qint64 messageId, int offset);

signals:
    void storeChanged();
    void engineChanged();
    void settingsChanged();
    void modelChanged();
    void libraryChanged();
    void currentChanged();
    void generatingChanged();
    void writingChanged();
    void canSendChanged();
    void noticeChanged();
    void highlightChanged();
    void lastStatsChanged();
    void scrollToRow(int row);
    void replyFinished(qint64 messageId, const QString& status);
    void conversationOpened(qint64 conversationId);

private:
    // chatcontroller.cpp
    void setNotice(const QString& text, const QString& kind);
    void setCurrent(qint64 id, const QString& title, const QVariantMap& overrides);
    void refreshConversation(qint64 id);
    void onConversationRemoving(qint64 id);
    void onConversationRefreshed(qint64 id, const QString& title);
    void saveOverrides();
    bool refuse(const QString& reason);
    void onEngineStateChanged();
    // chatturns.cpp
    void beginTurn(const TurnStart& turn);
    void onPiece(const QString& id, const QString& text);
    void onFinished(const QString& id, const QVariantMap& stats);
    void onFailed(const QString& id, const QString& code, const QString& message);
    void onCrashed(const QString& id, const QString& message);
    void flushPending();
    void closeStream(int status, const QString& error, const QVariantMap& stats, int interruption = 0);
    template <typename Work> void startTurn(Work work);

    QPointer<ChatStore> m_store;
    QPointer<EngineClient> m_engine;
    QPointer<SettingsController> m_settings;
    QPointer<ModelController> m_model;
    QPointer<LibraryController> m_library;
    MessageModel m_messages;

    qint64 m_currentId = 0;
    QString m_currentTitle;
    QVariantMap m_overrides;
    QString m_currentSystemPrompt;
    QString m_notice;
    QString m_noticeKind;
    qint64 m_highlightId = 0;
    QVariantMap m_lastStats;
    bool m_starting = false; // a turn is being written to the store, the engine not asked yet

    // The engine died: the notice says so until it is back (or could not come back).
    struct Restart {
        bool pending = false;
        QString backendBefore; // "cpu" | "vulkan" of the model loaded when it died
        bool replyInterrupted = false;
    } m_restart;

    // The reply streaming now.
    struct Stream {
        QString requestId;
        qint64 messageId = 0;
        qint64 conversationId = 0;
        QString text; // the reply's whole text: a continued reply's earlier text, then what arrived
        QString pending; // received but not yet in the model
        bool stopRequested = false;
        int baseTokens = 0; // tokens the reply held before (Continue)
        int pieces = 0; // pieces received: the engine sends one per token that completes text
        QElapsedTimer sinceRequest;
        double firstPieceMs = -1;
        double lastPieceMs = -1;
    } m_stream;
    QTimer m_flushTimer; // one model update per frame
    int m_requests = 0; // generations asked of the engine, for unique request ids
};
