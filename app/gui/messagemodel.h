// MessageModel: the thread of the open conversation, one row per message, as the view shows it.
// Streaming text arrives through appendText(), which emits dataChanged for that one row and the
// text role only; setThread() moves between threads with the smallest change (rows in common stay).
#pragma once

#include "storage/messages.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>
#include <vector>

class MessageModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ChatController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Roles {
        MessageIdRole = Qt::UserRole + 1,
        ParentIdRole,
        RoleRole, // "user" | "assistant" | "system"
        TextRole,
        StatusRole, // "complete" | "streaming" | "interrupted" | "failed"
        ErrorRole, // why it failed; details of an interruption, if any
        TokensPerSecondRole,
        CompletionTokensRole,
        SiblingIndexRole, // for ‹ i/n ›, 0-based
        SiblingCountRole,
        CreatedAtRole,
        InterruptionRole, // what interrupted it: "" | "user" | "engine" | "appClosed"
    };
    Q_ENUM(Roles)

    explicit MessageModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Replace the rows with `thread`, keeping the common prefix (same ids) in place.
    void setThread(const std::vector<hearth::storage::Message>& thread);
    void clear();
    // Append streamed text to one message: one dataChanged, one row, TextRole only.
    void appendText(int row, const QString& text);
    // Replace one message's fields (status, counts, ...), signalling only the roles that changed.
    void updateMessage(const hearth::storage::Message& message);

    Q_INVOKABLE int rowForId(qint64 messageId) const;
    const hearth::storage::Message* messageAt(int row) const;
    QString textAt(int row) const;

signals:
    void countChanged();

private:
    QList<int> changedRoles(const hearth::storage::Message& a, const hearth::storage::Message& b) const;

    std::vector<hearth::storage::Message> m_rows;
    std::vector<QString> m_texts; // decoded once: the view reads text far more often than it changes
};
