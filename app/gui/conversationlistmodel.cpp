// ConversationListModel: rows kept in the sidebar order with moves, not resets, on change.
#include "conversationlistmodel.h"

#include <algorithm>

using hearth::storage::Conversation;

ConversationListModel::ConversationListModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int ConversationListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Conversation& c = m_rows[size_t(index.row())];
    switch (role) {
    case ConversationIdRole:
        return qint64(c.id);
    case Qt::DisplayRole:
    case TitleRole:
        return QString::fromStdString(c.title);
    case UpdatedAtRole:
        return qint64(c.updatedAt);
    case PinnedRole:
        return c.pinned;
    }
    return {};
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    return { { ConversationIdRole, "conversationId" }, { TitleRole, "title" }, { UpdatedAtRole, "updatedAt" },
        { PinnedRole, "pinned" } };
}

bool ConversationListModel::before(const Conversation& a, const Conversation& b)
{
    if (a.pinned != b.pinned) return a.pinned;
    if (a.updatedAt != b.updatedAt) return a.updatedAt > b.updatedAt;
    return a.id > b.id;
}

void ConversationListModel::setConversations(const std::vector<Conversation>& list)
{
    const int oldCount = rowCount();
    beginResetModel();
    m_rows = list;
    std::stable_sort(m_rows.begin(), m_rows.end(), before);
    endResetModel();
    if (oldCount != rowCount()) emit countChanged();
}

void ConversationListModel::upsert(const Conversation& conversation)
{
    // Step 1: where it belongs among the others.
    const int current = rowForId(conversation.id);
    int target = 0;
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (int(i) == current) continue;
        if (before(m_rows[i], conversation)) ++target;
    }
    // Step 2: new row, same place, or a move.
    if (current < 0) {
        beginInsertRows({}, target, target);
        m_rows.insert(m_rows.begin() + target, conversation);
        endInsertRows();
        emit countChanged();
        return;
    }
    if (target != current) {
        // beginMoveRows counts the destination before the removal.
        beginMoveRows({}, current, current, {}, target > current ? target + 1 : target);
        Conversation moved = m_rows[size_t(current)];
        m_rows.erase(m_rows.begin() + current);
        m_rows.insert(m_rows.begin() + target, moved);
        endMoveRows();
    }
    Conversation& row = m_rows[size_t(target)];
    QList<int> roles;
    if (row.title != conversation.title) roles << TitleRole;
    if (row.updatedAt != conversation.updatedAt) roles << UpdatedAtRole;
    if (row.pinned != conversation.pinned) roles << PinnedRole;
    row = conversation;
    if (!roles.isEmpty()) emit dataChanged(index(target), index(target), roles);
}

void ConversationListModel::remove(qint64 conversationId)
{
    const int row = rowForId(conversationId);
    if (row < 0) return;
    beginRemoveRows({}, row, row);
    m_rows.erase(m_rows.begin() + row);
    endRemoveRows();
    emit countChanged();
}

int ConversationListModel::rowForId(qint64 conversationId) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == conversationId) return int(i);
    return -1;
}

const Conversation* ConversationListModel::at(int row) const
{
    return row >= 0 && row < rowCount() ? &m_rows[size_t(row)] : nullptr;
}
