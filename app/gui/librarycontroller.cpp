// LibraryController: every store request of the sidebar runs on the store's worker thread; the list
// model changes on the GUI thread when the answer comes back.
#include "librarycontroller.h"

#include "chatstore.h"
#include "storage/conversations.h"
#include "storage/search.h"

using namespace hearth::storage;
using hearth::Result;

LibraryController::LibraryController(QObject* parent)
    : QObject(parent)
{
    m_undoTimer.setInterval(10000);
    m_undoTimer.setSingleShot(true);
    connect(&m_undoTimer, &QTimer::timeout, this, [this] {
        // The undo window closed: the deletion becomes final.
        const qint64 id = std::exchange(m_undo, {}).id;
        emit undoChanged();
        removeForGood(id);
    });
}

void LibraryController::setStore(ChatStore* store)
{
    if (store == m_store) return;
    if (m_store) disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    emit storeChanged();
    if (!m_store) return;
    if (m_store->ready()) reload();
    connect(m_store, &ChatStore::readyChanged, this, [this] {
        if (m_store && m_store->ready()) reload();
    });
}

QString LibraryController::titleOf(qint64 conversationId) const
{
    const int row = m_conversations.rowForId(conversationId);
    return row >= 0
        ? m_conversations.data(m_conversations.index(row), ConversationListModel::TitleRole).toString()
        : QString();
}

void LibraryController::reload()
{
    if (!m_store) return;
    m_store->async().post(
        this, [](Database& db) { return Conversations(db).list(); },
        [this](Result<std::vector<Conversation>> list) {
            if (list.ok())
                m_conversations.setConversations(list.value());
            else
                emit failed(QString::fromStdString(list.error().message));
        });
}

void LibraryController::rename(qint64 conversationId, const QString& title)
{
    const std::string text = title.trimmed().toStdString();
    if (!m_store || text.empty()) return;
    m_store->async().post(
        this, [conversationId, text](Database& db) { return Conversations(db).rename(conversationId, text); },
        [this, conversationId](hearth::Status) { refresh(conversationId); });
}

void LibraryController::remove(qint64 conversationId)
{
    if (!m_store) return;
    emit removing(conversationId);
    // An earlier deletion still waiting for undo becomes final now.
    if (m_undo.id) removeForGood(m_undo.id);
    m_undo = { conversationId, titleOf(conversationId) };
    m_undoTimer.start();
    emit undoChanged();
    m_conversations.remove(conversationId);
    m_store->async().post(
        [conversationId](Database& db) { return Conversations(db).softDelete(conversationId); });
}

void LibraryController::undoRemove()
{
    if (!m_store || !m_undo.id) return;
    const qint64 id = std::exchange(m_undo, {}).id;
    m_undoTimer.stop();
    emit undoChanged();
    m_store->async().post(
        this, [id](Database& db) { return Conversations(db).restore(id); },
        [this, id](hearth::Status) { refresh(id); });
}

void LibraryController::removeForGood(qint64 conversationId)
{
    if (m_store && conversationId)
        m_store->async().post(
            [conversationId](Database& db) { return Conversations(db).remove(conversationId); });
}

void LibraryController::setPinned(qint64 conversationId, bool pinned)
{
    if (!m_store) return;
    m_store->async().post(
        this,
        [conversationId, pinned](
            Database& db) { return Conversations(db).setPinned(conversationId, pinned); },
        [this, conversationId](hearth::Status) { refresh(conversationId); });
}

void LibraryController::search(const QString& query)
{
    if (!m_store) return;
    const std::string text = query.toStdString();
    if (query.trimmed().isEmpty()) {
        m_searchResults.setHits({});
        return;
    }
    m_store->async().post(
        this,
        [text](Database& db) {
            SearchOptions options;
            options.highlightOpen = SearchResultModel::kOpen;
            options.highlightClose = SearchResultModel::kClose;
            options.limit = 50;
            return searchMessages(db, text, options);
        },
        [this](Result<std::vector<SearchHit>> hits) {
            m_searchResults.setHits(hits.ok() ? hits.value() : std::vector<SearchHit> {});
        });
}

void LibraryController::refresh(qint64 conversationId)
{
    if (!m_store) return;
    m_store->async().post(
        this, [conversationId](Database& db) { return Conversations(db).get(conversationId); },
        [this](Result<Conversation> c) {
            if (!c.ok()) return;
            if (c->deletedAt) {
                m_conversations.remove(c->id);
                return;
            }
            m_conversations.upsert(c.value());
            emit refreshed(c->id, QString::fromStdString(c->title));
        });
}
