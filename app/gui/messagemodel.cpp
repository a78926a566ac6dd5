// MessageModel: rows, roles, and the minimal-change updates the streaming view relies on.
#include "messagemodel.h"

using hearth::storage::Message;

MessageModel::MessageModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int MessageModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Message& m = m_rows[size_t(index.row())];
    switch (role) {
    case MessageIdRole:
        return qint64(m.id);
    case ParentIdRole:
        return qint64(m.parentId);
    case RoleRole:
        return QString::fromLatin1(hearth::storage::roleName(m.role));
    case Qt::DisplayRole:
    case TextRole:
        return m_texts[size_t(index.row())];
    case StatusRole:
        return QString::fromLatin1(hearth::storage::statusName(m.status));
    case ErrorRole:
        return QString::fromStdString(m.error);
    case TokensPerSecondRole:
        return m.tokensPerSecond;
    case CompletionTokensRole:
        return m.completionTokens;
    case SiblingIndexRole:
        return m.siblingIndex;
    case SiblingCountRole:
        return m.siblingCount;
    case CreatedAtRole:
        return qint64(m.createdAt);
    case InterruptionRole:
        return QString::fromLatin1(hearth::storage::interruptionName(m.interruption));
    }
    return {};
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    return { { MessageIdRole, "messageId" }, { ParentIdRole, "parentId" }, { RoleRole, "role" },
        { TextRole, "text" }, { StatusRole, "status" }, { ErrorRole, "error" },
        { TokensPerSecondRole, "tokensPerSecond" }, { CompletionTokensRole, "completionTokens" },
        { SiblingIndexRole, "siblingIndex" }, { SiblingCountRole, "siblingCount" },
        { CreatedAtRole, "createdAt" }, { InterruptionRole, "interruption" } };
}

void MessageModel::setThread(const std::vector<Message>& thread)
{
    // Step 1: the common prefix (same message ids) stays; changed fields are signalled per row.
    size_t common = 0;
    while (common < m_rows.size() && common < thread.size() && m_rows[common].id == thread[common].id)
        ++common;
    for (size_t i = 0; i < common; ++i) {
        const QList<int> roles = changedRoles(m_rows[i], thread[i]);
        if (roles.isEmpty()) continue;
        m_rows[i] = thread[i];
        m_texts[i] = QString::fromStdString(thread[i].text);
        emit dataChanged(index(int(i)), index(int(i)), roles);
    }
    // Step 2: drop the old tail, insert the new one.
    const int oldCount = int(m_rows.size());
    if (m_rows.size() > common) {
        beginRemoveRows({}, int(common), int(m_rows.size()) - 1);
        m_rows.resize(common);
        m_texts.resize(common);
        endRemoveRows();
    }
    if (thread.size() > common) {
        beginInsertRows({}, int(common), int(thread.size()) - 1);
        for (size_t i = common; i < thread.size(); ++i) {
            m_rows.push_back(thread[i]);
            m_texts.push_back(QString::fromStdString(thread[i].text));
        }
        endInsertRows();
    }
    if (int(m_rows.size()) != oldCount) emit countChanged();
}

void MessageModel::clear()
{
    setThread({});
}

void MessageModel::appendText(int row, const QString& text)
{
    if (row < 0 || row >= rowCount() || text.isEmpty()) return;
    m_texts[size_t(row)] += text;
    emit dataChanged(index(row), index(row), { TextRole });
}

void MessageModel::updateMessage(const Message& message)
{
    const int row = rowForId(message.id);
    if (row < 0) return;
    Message merged = message;
    // The thread position is the model's business: keep it unless the caller knows it.
    if (message.siblingCount <= 1 && m_rows[size_t(row)].siblingCount > 1) {
        merged.siblingIndex = m_rows[size_t(row)].siblingIndex;
        merged.siblingCount = m_rows[size_t(row)].siblingCount;
    }
    QList<int> roles = changedRoles(m_rows[size_t(row)], merged);
    if (QString::fromStdString(merged.text) != m_texts[size_t(row)] && !roles.contains(TextRole))
        roles.append(TextRole);
    if (roles.isEmpty()) return;
    m_rows[size_t(row)] = merged;
    m_texts[size_t(row)] = QString::fromStdString(merged.text);
    emit dataChanged(index(row), index(row), roles);
}

int MessageModel::rowForId(qint64 messageId) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == messageId) return int(i);
    return -1;
}

const Message* MessageModel::messageAt(int row) const
{
    return row >= 0 && row < rowCount() ? &m_rows[size_t(row)] : nullptr;
}

QString MessageModel::textAt(int row) const
{
    return row >= 0 && row < rowCount() ? m_texts[size_t(row)] : QString();
}

QList<int> MessageModel::changedRoles(const Message& a, const Message& b) const
{
    QList<int> roles;
    if (a.text != b.text) roles << TextRole;
    if (a.status != b.status) roles << StatusRole;
    if (a.error != b.error) roles << ErrorRole;
    if (a.interruption != b.interruption) roles << InterruptionRole;
    if (a.tokensPerSecond != b.tokensPerSecond) roles << TokensPerSecondRole;
    if (a.completionTokens != b.completionTokens) roles << CompletionTokensRole;
    if (a.siblingIndex != b.siblingIndex) roles << SiblingIndexRole;
    if (a.siblingCount != b.siblingCount) roles << SiblingCountRole;
    return roles;
}
