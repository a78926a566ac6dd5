#include "rowlistmodel.h"

RowListModel::RowListModel(const QList<QByteArray>& roles, QObject* parent)
    : QAbstractListModel(parent)
    , m_roles(roles)
{
}

int RowListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant RowListModel::data(const QModelIndex& index, int role) const
{
    const int column = role - Qt::UserRole;
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || column < 0
        || column >= m_roles.size())
        return {};
    return m_rows[index.row()].value(QString::fromLatin1(m_roles[column]));
}

QHash<int, QByteArray> RowListModel::roleNames() const
{
    QHash<int, QByteArray> names;
    for (int i = 0; i < m_roles.size(); ++i)
        names.insert(Qt::UserRole + i, m_roles[i]);
    return names;
}

int RowListModel::find(const QByteArray& key, const QVariant& value) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].value(QString::fromLatin1(key)) == value) return i;
    return -1;
}

void RowListModel::setRows(const QList<QVariantMap>& rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
    emit countChanged();
}

void RowListModel::setRow(int i, const QVariantMap& values)
{
    if (i < 0 || i >= m_rows.size()) return;
    QList<int> changed;
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (m_rows[i].value(it.key()) == it.value()) continue;
        m_rows[i].insert(it.key(), it.value());
        const int column = int(m_roles.indexOf(it.key().toLatin1()));
        if (column >= 0) changed << Qt::UserRole + column;
    }
    if (!changed.isEmpty()) emit dataChanged(index(i), index(i), changed);
}

void RowListModel::appendRow(const QVariantMap& values)
{
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows << values;
    endInsertRows();
    emit countChanged();
}

void RowListModel::removeRow(int i)
{
    if (i < 0 || i >= m_rows.size()) return;
    beginRemoveRows({}, i, i);
    m_rows.removeAt(i);
    endRemoveRows();
    emit countChanged();
}
