// SearchResultModel: search hits with a safe, highlighted snippet (rich text for the list).
#include "searchresultmodel.h"

SearchResultModel::SearchResultModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int SearchResultModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_hits.size());
}

QVariant SearchResultModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const auto& h = m_hits[size_t(index.row())];
    switch (role) {
    case ConversationIdRole:
        return qint64(h.conversationId);
    case MessageIdRole:
        return qint64(h.messageId);
    case TitleRole:
        return QString::fromStdString(h.conversationTitle);
    case Qt::DisplayRole:
    case SnippetRole: {
        // Message text is user data: escape it, then turn our marks into bold.
        QString s = QString::fromStdString(h.snippet).toHtmlEscaped();
        s.replace(QChar(1), "<b>").replace(QChar(2), "</b>");
        return s;
    }
    case RoleRole:
        return QString::fromStdString(h.role);
    }
    return {};
}

QHash<int, QByteArray> SearchResultModel::roleNames() const
{
    return { { ConversationIdRole, "conversationId" }, { MessageIdRole, "messageId" }, { TitleRole, "title" },
        { SnippetRole, "snippet" }, { RoleRole, "role" } };
}

void SearchResultModel::setHits(const std::vector<hearth::storage::SearchHit>& hits)
{
    const int oldCount = rowCount();
    beginResetModel();
    m_hits = hits;
    endResetModel();
    if (oldCount != rowCount()) emit countChanged();
}
