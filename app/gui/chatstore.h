// ChatStore: the database as a QML object ("Store"), opened on its own worker thread through
// storage's AsyncStore. Controllers receive it as a property and post their work to it.
#pragma once

#include "storage/asyncstore.h"

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

class ChatStore : public QObject {
    Q_OBJECT
    QML_NAMED_ELEMENT(Store)
    Q_PROPERTY(QString path READ path WRITE setPath NOTIFY pathChanged)
    Q_PROPERTY(bool ready READ ready NOTIFY readyChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    // Something the user must be told about the database (e.g. a corrupt file moved aside).
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)

public:
    explicit ChatStore(QObject* parent = nullptr);
    ~ChatStore() override;

    QString path() const { return m_path; }
    void setPath(const QString& path);
    bool ready() const { return m_ready; }
    // Runs `then` now if the store is open, else each time it becomes ready, while `context` lives:
    // how the controllers read their settings once the database is there.
    template <typename Then> void whenReady(QObject* context, Then then)
    {
        if (m_ready) return then();
        connect(this, &ChatStore::readyChanged, context, [this, then] {
            if (m_ready) then();
        });
    }
    QString error() const { return m_error; }
    QString notice() const { return m_notice; }

    hearth::storage::AsyncStore& async() { return *m_async; }
    // Blocks until queued work is done (tests only).
    Q_INVOKABLE void waitForIdle() { m_async->waitForIdle(); }

signals:
    void pathChanged();
    void readyChanged();
    void errorChanged();
    void noticeChanged();

private:
    hearth::storage::AsyncStore* m_async;
    QString m_path;
    bool m_ready = false;
    QString m_error;
    QString m_notice;
};
