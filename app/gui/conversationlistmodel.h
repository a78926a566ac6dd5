// ConversationListModel: the sidebar. Pinned conversations first, then newest first — the order
// storage's Conversations::list() returns, kept when one row changes (upsert re-sorts that row only).
#pragma once

#include "storage/conversations.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>
#include <vector>

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ChatController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Roles {
        ConversationIdRole = Qt::UserRole + 1,
        TitleRole,
        UpdatedAtRole,
        PinnedRole,
    };
    Q_ENUM(Roles)

    explicit ConversationListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setConversations(const std::vector<hearth::storage::Conversation>& list);
    // Insert or update one conversation and move it to its place in the order.
    void upsert(const hearth::storage::Conversation& conversation);
    void remove(qint64 conversationId);
    Q_INVOKABLE int rowForId(qint64 conversationId) const;
    const hearth::storage::Conversation* at(int row) const;

signals:
    void countChanged();

private:
    static bool before(const hearth::storage::Conversation& a, const hearth::storage::Conversation& b);

    std::vector<hearth::storage::Conversation> m_rows;
};
