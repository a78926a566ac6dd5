// A list model of rows of named values, for the "Get a model" page's three short lists (catalog files,
// downloads, local models). The roles are fixed when it is made; setRow() announces only the roles
// whose values changed, for one row, so a download's progress repaints its own line and nothing else.
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QVariantMap>

class RowListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    RowListModel(const QList<QByteArray>& roles, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

    const QVariantMap& row(int i) const { return m_rows[i]; }
    // The first row whose `key` is `value`; -1 when none.
    int find(const QByteArray& key, const QVariant& value) const;
    void setRows(const QList<QVariantMap>& rows);
    void setRow(int i, const QVariantMap& values); // merges `values` into the row
    void appendRow(const QVariantMap& values);
    void removeRow(int i);

signals:
    void countChanged();

private:
    QList<QByteArray> m_roles;
    QList<QVariantMap> m_rows;
};
