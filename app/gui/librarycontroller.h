// LibraryController: the sidebar's side of the conversations — the list, search over every message,
// rename, pin, and delete with a short undo window. ChatController shows one conversation and writes
// its turns; it asks the library to re-read a conversation that changed (refresh) and hears from it
// when one is about to be removed (removing) or was renamed (refreshed).
#pragma once

#include "conversationlistmodel.h"
#include "searchresultmodel.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

class ChatStore;

class LibraryController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_MOC_INCLUDE("chatstore.h")
    Q_PROPERTY(ChatStore* store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(SearchResultModel* searchResults READ searchResults CONSTANT)
    // The title of the conversation deleted last, while it can still be brought back (empty: none).
    Q_PROPERTY(QString undoTitle READ undoTitle NOTIFY undoChanged)

public:
    explicit LibraryController(QObject* parent = nullptr);

    ChatStore* store() const { return m_store; }
    void setStore(ChatStore* store);
    ConversationListModel* conversations() { return &m_conversations; }
    SearchResultModel* searchResults() { return &m_searchResults; }
    QString undoTitle() const { return m_undo.title; }
    QString titleOf(qint64 conversationId) const; // as the sidebar shows it; empty when not listed

    Q_INVOKABLE void reload();
    Q_INVOKABLE void rename(qint64 conversationId, const QString& title);
    Q_INVOKABLE void remove(qint64 conversationId);
    Q_INVOKABLE void undoRemove();
    Q_INVOKABLE void setPinned(qint64 conversationId, bool pinned);
    Q_INVOKABLE void search(const QString& query);
    // Re-reads one conversation from the store into the list: after a turn, an import, a summary.
    void refresh(qint64 conversationId);
    // Lists a conversation as the chat has just read it from the store (no second trip there).
    void show(const hearth::storage::Conversation& conversation) { m_conversations.upsert(conversation); }

signals:
    void storeChanged();
    void undoChanged();
    void removing(qint64 conversationId); // before its row goes: the chat closes it, stops its reply
    void refreshed(qint64 conversationId, const QString& title); // the stored title, as it is now
    void failed(const QString& message); // the list could not be read

private:
    void removeForGood(qint64 conversationId);

    QPointer<ChatStore> m_store;
    ConversationListModel m_conversations;
    SearchResultModel m_searchResults;
    struct Undo {
        qint64 id = 0;
        QString title;
    } m_undo;
    QTimer m_undoTimer;
};
