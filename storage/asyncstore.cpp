// AsyncStore: one worker thread owns the Database; requests are queued functions, results come back as
// queued calls on the GUI side (see asyncstore.h).
#include "storage/asyncstore.h"

#include <QSemaphore>
#include <QThread>
#include <QTimer>
#include <map>
#include <optional>
#include <utility>

namespace hearth::storage {

// Lives on the worker thread: the connection and the checkpoints waiting for their turn.
class StoreWorker : public QObject {
public:
    std::optional<Database> db;
    std::map<std::int64_t, std::string> pendingCheckpoints; // message id → latest text
    QTimer* checkpointTimer = nullptr;

    // Write every pending checkpoint (each its own transaction). Failures go to `report`.
    void flushCheckpoints(const std::function<void(const Error&)>& report)
    {
        std::map<std::int64_t, std::string> pending;
        pending.swap(pendingCheckpoints);
        if (!db) return;
        Messages messages(*db);
        for (const auto& [id, text] : pending) {
            Status written = messages.checkpoint(id, text);
            if (!written) report(written.error());
        }
    }
};

AsyncStore::AsyncStore(QObject* parent)
    : QObject(parent)
{
    m_thread = new QThread;
    m_thread->setObjectName("hearth-storage");
    m_worker = new StoreWorker;
    m_worker->checkpointTimer = new QTimer(m_worker); // moves with its parent to the worker thread
    m_worker->checkpointTimer->setSingleShot(true);
    QObject::connect(m_worker->checkpointTimer, &QTimer::timeout, m_worker,
        [this] { m_worker->flushCheckpoints([this](const Error& e) { reportFailure(e); }); });
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

AsyncStore::~AsyncStore()
{
    // Last job: pending checkpoints reach the disk, then the connection closes (on its own thread).
    // The timer goes on the thread it ran on: Qt cannot stop a timer from another thread.
    enqueue([this](Database*) {
        delete std::exchange(m_worker->checkpointTimer, nullptr);
        m_worker->flushCheckpoints([](const Error&) {});
        m_worker->db.reset();
    });
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

void AsyncStore::open(const QString& path, const OpenOptions& options)
{
    std::string file = path.toStdString();
    enqueue([this, file, options](Database*) {
        m_worker->flushCheckpoints([this](const Error& e) { reportFailure(e); });
        m_worker->db.reset();
        Result<Database> result = Database::open(file, options);
        if (!result) {
            QString message = QString::fromStdString(result.error().message);
            deliver([this, message] { emit openFailed(message); });
            return;
        }
        OpenReport report = result->openReport();
        m_worker->db.emplace(std::move(result.value()));
        deliver([this, report] { emit opened(report); });
    });
}

void AsyncStore::checkpointLater(std::int64_t messageId, const std::string& text)
{
    int interval = m_checkpointIntervalMs;
    enqueue([this, messageId, text, interval](Database*) {
        m_worker->pendingCheckpoints[messageId] = text;
        // The first piece after a write starts the clock; later pieces only replace the text.
        if (!m_worker->checkpointTimer->isActive()) m_worker->checkpointTimer->start(interval);
    });
}

void AsyncStore::finishReply(
    std::int64_t messageId, const FinishInfo& info, QObject* context, std::function<void(Status)> done)
{
    enqueue([this, messageId](Database*) { m_worker->pendingCheckpoints.erase(messageId); });
    post(
        context, [messageId, info](Database& db) { return Messages(db).finish(messageId, info); }, done);
}

void AsyncStore::setCheckpointInterval(int ms)
{
    m_checkpointIntervalMs = ms;
}

void AsyncStore::waitForIdle()
{
    QSemaphore done;
    enqueue([&done](Database*) { done.release(); });
    done.acquire();
}

void AsyncStore::enqueue(std::function<void(Database*)> job)
{
    StoreWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, job]() mutable { job(worker->db ? &*worker->db : nullptr); }, Qt::QueuedConnection);
}

void AsyncStore::deliver(std::function<void()> callback)
{
    // Queued onto the AsyncStore's own thread (the GUI thread); a destroyed context is checked there.
    QMetaObject::invokeMethod(this, std::move(callback), Qt::QueuedConnection);
}

void AsyncStore::reportFailure(const Error& error)
{
    QString message = QString::fromStdString(error.message);
    deliver([this, message] { emit writeFailed(message); });
}

Error AsyncStore::notOpen()
{
    return makeError(ErrorCode::Io, "the database is not open");
}

} // namespace hearth::storage
