// DocumentController: "summarize this document" for QML. The work is a SummaryJob (summaryjob.h) driven
// by the engine's signals; this controller starts it, shows its progress as properties, and stores the
// result as a new conversation — the request, the summary, and the document with its passages attached
// — so follow-up questions can use them (documentcontext.h). Cancel keeps what was done; so does the
// engine's death, with the reason in `error`.
#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

class ChatStore;
class SummaryJob;
class EngineClient;
class ChatController;

class DocumentController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_MOC_INCLUDE("chatstore.h")
    Q_MOC_INCLUDE("engineclient.h")
    Q_MOC_INCLUDE("chatcontroller.h")
    Q_PROPERTY(ChatStore* store READ store WRITE setStore NOTIFY dependenciesChanged)
    Q_PROPERTY(EngineClient* engine READ engine WRITE setEngine NOTIFY dependenciesChanged)
    Q_PROPERTY(ChatController* chat READ chat WRITE setChat NOTIFY dependenciesChanged)
    Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY dependenciesChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString status READ status NOTIFY progressChanged) // "Part 2 of 5 (pages 6–10)"
    Q_PROPERTY(double fraction READ fraction NOTIFY progressChanged) // 0..1
    Q_PROPERTY(double tokensPerSecond READ tokensPerSecond NOTIFY progressChanged)
    Q_PROPERTY(double secondsLeft READ secondsLeft NOTIFY progressChanged) // -1: unknown yet
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(qint64 lastConversationId READ lastConversationId NOTIFY finished)

public:
    explicit DocumentController(QObject* parent = nullptr);
    ~DocumentController() override;

    ChatStore* store() const { return m_store; }
    void setStore(ChatStore* store);
    EngineClient* engine() const { return m_engine; }
    void setEngine(EngineClient* engine);
    ChatController* chat() const { return m_chat; }
    void setChat(ChatController* chat);
    int contextLength() const { return m_contextLength; }
    void setContextLength(int tokens);

    bool busy() const { return m_busy; }
    QString status() const { return m_status; }
    double fraction() const { return m_fraction; }
    double tokensPerSecond() const { return m_tokensPerSecond; }
    double secondsLeft() const { return m_secondsLeft; }
    QString error() const { return m_error; }
    qint64 lastConversationId() const { return m_lastConversationId; }

    // path: a local file path or file:// URL; length: "short" | "medium" | "long".
    Q_INVOKABLE bool summarize(const QString& path, const QString& length = QStringLiteral("medium"));
    Q_INVOKABLE void cancel();

signals:
    void dependenciesChanged();
    void busyChanged();
    void progressChanged();
    void errorChanged();
    // The summary is stored: conversationId is the new conversation; cancelled when stopped early.
    void finished(qint64 conversationId, bool cancelled);
    void failed(const QString& message);

private:
    void setError(const QString& message);
    void onJobFinished();
    void onJobFailed(const QString& message);
    void saveSummary();
    void finish();

    ChatStore* m_store = nullptr;
    EngineClient* m_engine = nullptr;
    ChatController* m_chat = nullptr;
    int m_contextLength = 0;
    bool m_busy = false;
    QString m_status;
    double m_fraction = 0;
    double m_tokensPerSecond = 0;
    double m_secondsLeft = -1;
    QString m_error;
    qint64 m_lastConversationId = 0;
    SummaryJob* m_job = nullptr; // the summarization under way (a child), null when idle
};
