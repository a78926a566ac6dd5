// SearchResultModel: full-text hits across all conversations, each opening its conversation at the hit.
#pragma once

#include "storage/search.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>
#include <vector>

class SearchResultModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ChatController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Roles { ConversationIdRole = Qt::UserRole + 1, MessageIdRole, TitleRole, SnippetRole, RoleRole };
    Q_ENUM(Roles)

    // Marks storage puts around matched words; converted to <b> after HTML-escaping the snippet.
    static constexpr const char* kOpen = "\x01";
    static constexpr const char* kClose = "\x02";

    explicit SearchResultModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setHits(const std::vector<hearth::storage::SearchHit>& hits);

signals:
    void countChanged();

private:
    std::vector<hearth::storage::SearchHit> m_hits;
};
