// ChatStore: open the database when given a path and report what the user must know.
#include "chatstore.h"

#include "storage/conversations.h"

ChatStore::ChatStore(QObject* parent)
    : QObject(parent)
    , m_async(new hearth::storage::AsyncStore(this))
{
    connect(m_async, &hearth::storage::AsyncStore::opened, this,
        [this](const hearth::storage::OpenReport& report) {
            if (!report.corruptCopyPath.empty()) {
                m_notice = tr("The conversation database was damaged. It was moved to %1 and a new "
                              "one was started.")
                               .arg(QString::fromStdString(report.corruptCopyPath));
                emit noticeChanged();
            }
            // Conversations deleted in an earlier session are past their undo: remove them now.
            m_async->post([](hearth::storage::Database& db) {
                return hearth::storage::Conversations(db).purgeDeleted(hearth::storage::nowMs());
            });
            m_ready = true;
            emit readyChanged();
        });
    connect(m_async, &hearth::storage::AsyncStore::openFailed, this, [this](const QString& message) {
        m_error = message;
        emit errorChanged();
    });
    connect(m_async, &hearth::storage::AsyncStore::writeFailed, this, [this](const QString& message) {
        m_error = tr("Could not save: %1").arg(message);
        emit errorChanged();
    });
}

ChatStore::~ChatStore() = default; // AsyncStore's destructor writes pending checkpoints

void ChatStore::setPath(const QString& path)
{
    if (path == m_path) return;
    m_path = path;
    emit pathChanged();
    if (!m_path.isEmpty()) m_async->open(m_path);
}
