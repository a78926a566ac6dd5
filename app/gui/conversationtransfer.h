// ConversationTransfer ("ChatTransfer" in QML): export the open conversation to a Markdown or JSON
// file and import a JSON export back as a new conversation. The work (storage's exporters and the
// file itself) runs on the store's worker thread; the result comes back as a signal and a message
// the window shows.
#pragma once

#include <QObject>
#include <QString>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

class ChatStore;

class ConversationTransfer : public QObject {
    Q_OBJECT
    QML_NAMED_ELEMENT(ChatTransfer)
    Q_PROPERTY(ChatStore* store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)

public:
    enum class Format { Markdown, Json };
    Q_ENUM(Format)

    explicit ConversationTransfer(QObject* parent = nullptr);

    ChatStore* store() const { return m_store; }
    void setStore(ChatStore* store);
    bool busy() const { return m_busy; }

    // The file name a save dialog proposes: the title made safe for a file name, with its extension.
    Q_INVOKABLE static QString suggestedFileName(const QString& title, Format format);
    // That name in the user's documents folder (home where there is none), as a file URL.
    Q_INVOKABLE static QUrl suggestedFile(const QString& title, Format format);
    // Writes conversation `conversationId` to `file` (a local file URL). Emits exported or failed.
    Q_INVOKABLE void exportConversation(qint64 conversationId, const QUrl& file, Format format);
    // Reads a "hearth-conversation" JSON file into a new conversation. Emits imported or failed.
    Q_INVOKABLE void importConversation(const QUrl& file);

signals:
    void storeChanged();
    void busyChanged();
    void exported(const QString& path);
    void imported(qint64 conversationId, const QString& title);
    void failed(const QString& message);

private:
    bool start();
    void finish();

    ChatStore* m_store = nullptr;
    bool m_busy = false;
};
