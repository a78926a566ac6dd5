// AsyncStore: the GUI's way into storage. All database work happens on one worker thread.
//
// The GUI thread never touches SQLite: it posts a request (a function of Database&) and gets the
// result back, by value, as a call on the thread of a `context` QObject (normally the controller or
// model that asked). If the context is destroyed before the answer arrives, the answer is dropped.
// Requests run in the order posted. Only Qt Core is used.
//
//   store.open(path);                                   // → opened(report) or openFailed(message)
//   store.post(this, [text, id](Database& db) { return Messages(db).appendUser(id, text); },
//              [this](Result<Message> r) { ... });      // runs here, on the GUI thread
//   store.checkpointLater(replyId, textSoFar);          // every piece; written at most every 200 ms
//   store.finishReply(replyId, info, this, [](Status s) { ... });
//
// Destroying the AsyncStore writes pending checkpoints, finishes queued requests and closes the
// database before it returns.
#pragma once

#include "storage/database.h"
#include "storage/messages.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

class QThread;

namespace hearth::storage {

class StoreWorker;

class AsyncStore : public QObject {
    Q_OBJECT
public:
    explicit AsyncStore(QObject* parent = nullptr);
    ~AsyncStore() override;

    // Open (or reopen) the database on the worker. Emits opened() or openFailed().
    void open(const QString& path, const OpenOptions& options = {});

    // Run `work(Database&)` on the worker; `done(result)` is then called on `context`'s thread.
    // `work` returns a Result<T> (or Status); when no database is open it is not called and `done`
    // receives an Error. Captures must be copyable.
    template <typename Work, typename Done> void post(QObject* context, Work work, Done done)
    {
        using R = std::invoke_result_t<Work&, Database&>;
        QPointer<QObject> guard(context);
        enqueue([this, guard, work, done](Database* db) mutable {
            auto result = std::make_shared<R>(db ? work(*db) : R(notOpen()));
            deliver([guard, done, result]() mutable {
                if (guard) done(std::move(*result));
            });
        });
    }
    // Fire and forget; a failure is reported through writeFailed().
    template <typename Work> void post(Work work)
    {
        enqueue([this, work](Database* db) mutable {
            if (!db) return reportFailure(notOpen());
            auto result = work(*db);
            if (!result.ok()) reportFailure(result.error());
        });
    }

    // Remember the latest text of a streaming reply; it is written (Messages::checkpoint) at most every
    // checkpointIntervalMs, each write its own short transaction. Cheap to call for every piece.
    void checkpointLater(std::int64_t messageId, const std::string& text);
    // Drop the pending checkpoint of the reply and finish it (Messages::finish); `done` as in post().
    void finishReply(
        std::int64_t messageId, const FinishInfo& info, QObject* context, std::function<void(Status)> done);
    void setCheckpointInterval(int ms); // default 200
    int checkpointInterval() const { return m_checkpointIntervalMs; }

    // Block until every request posted so far has run (tests, shutdown). Never call it from the GUI
    // thread in normal operation.
    void waitForIdle();

signals:
    void opened(const hearth::storage::OpenReport& report);
    void openFailed(const QString& message);
    void writeFailed(const QString& message); // a fire-and-forget request or a checkpoint failed

private:
    void enqueue(std::function<void(Database*)> job);
    void deliver(std::function<void()> callback);
    void reportFailure(const Error& error);
    static Error notOpen();

    QThread* m_thread = nullptr;
    StoreWorker* m_worker = nullptr; // lives on m_thread
    int m_checkpointIntervalMs = 200;
};

} // namespace hearth::storage

Q_DECLARE_METATYPE(hearth::storage::OpenReport)
