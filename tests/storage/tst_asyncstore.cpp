// AsyncStore: requests run on the worker thread, answers arrive on the caller's thread by value,
// checkpoints are coalesced, answers for a destroyed context are dropped, failures are reported.
#include "storage/asyncstore.h"
#include "storage/conversations.h"
#include "tempdb.h"

#include <QSignalSpy>
#include <QThread>

using namespace hearth;
using namespace hearth::storage;
using namespace hearth::storage::test;

class AsyncStoreTest : public QObject {
    Q_OBJECT

private slots:
    void requestsRunOffTheCallingThread()
    {
        TempDb temp;
        AsyncStore store;
        QSignalSpy opened(&store, &AsyncStore::opened);
        store.open(QString::fromStdString(temp.dbPath()));
        QTRY_COMPARE(opened.count(), 1);
        QCOMPARE(opened.at(0).at(0).value<OpenReport>().toVersion, kSchemaVersion);

        QThread* workerThread = nullptr;
        std::optional<Result<Conversation>> answer;
        QThread* answerThread = nullptr;
        store.post(
            this,
            [&workerThread](Database& db) {
                workerThread = QThread::currentThread();
                return Conversations(db).create("async");
            },
            [&](Result<Conversation> result) {
                answerThread = QThread::currentThread();
                answer = std::move(result);
            });
        QTRY_VERIFY(answer.has_value());
        QVERIFY(answer->ok());
        QCOMPARE((*answer)->title, std::string("async"));
        QVERIFY(workerThread && workerThread != QThread::currentThread());
        QCOMPARE(answerThread, QThread::currentThread());
    }

    void checkpointsAreCoalescedAndFinishWins()
    {
        TempDb temp;
        std::int64_t replyId = 0;
        {
            Database db = temp.open();
            std::int64_t c = Conversations(db).create("stream")->id;
            std::int64_t q = Messages(db).appendUser(c, "go")->id;
            replyId = Messages(db).beginAssistant(c, q)->id;
        }
        AsyncStore store;
        store.setCheckpointInterval(50);
        QSignalSpy opened(&store, &AsyncStore::opened);
        store.open(QString::fromStdString(temp.dbPath()));
        QTRY_COMPARE(opened.count(), 1);
        // The reply was streaming when the previous "session" ended: recovered as interrupted.
        QCOMPARE(opened.at(0).at(0).value<OpenReport>().interruptedReplies, 1);

        // Start a new streaming reply through the store and feed it piece by piece.
        std::optional<Result<Message>> begun;
        store.post(
            this,
            [replyId](Database& db) {
                Message old = *Messages(db).get(replyId);
                return Messages(db).beginAssistant(old.conversationId, old.parentId);
            },
            [&](Result<Message> r) { begun = std::move(r); });
        QTRY_VERIFY(begun.has_value());
        std::int64_t id = (*begun)->id;
        std::string text;
        for (int i = 0; i < 200; ++i) {
            text += "w" + std::to_string(i) + " ";
            store.checkpointLater(id, text);
        }
        // The last text reaches the disk within a few intervals, without a finish.
        auto stored = [&] {
            std::optional<std::string> out;
            store.post(
                this, [id](Database& db) { return Messages(db).get(id); },
                [&](Result<Message> m) { out = m->text; });
            while (!out)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
            return *out;
        };
        QTRY_COMPARE(stored(), text);

        store.checkpointLater(id, text + "pending");
        FinishInfo info;
        info.text = "final";
        std::optional<Status> finished;
        store.finishReply(id, info, this, [&](Status s) { finished = s; });
        QTRY_VERIFY(finished.has_value());
        QVERIFY(finished->ok());
        QTest::qWait(120); // the dropped pending checkpoint must not overwrite the final text
        QCOMPARE(stored(), std::string("final"));
    }

    void failuresAndDestroyedContexts()
    {
        AsyncStore store;
        // Not open yet: the request is not run and the answer is an error.
        std::optional<Result<Conversation>> answer;
        store.post(
            this, [](Database& db) { return Conversations(db).create("x"); },
            [&](Result<Conversation> r) { answer = std::move(r); });
        QTRY_VERIFY(answer.has_value());
        QVERIFY(!answer->ok());

        QSignalSpy failed(&store, &AsyncStore::openFailed);
        store.open("/nonexistent-folder/hearth.db");
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(!failed.at(0).at(0).toString().isEmpty());

        TempDb temp;
        QSignalSpy opened(&store, &AsyncStore::opened);
        store.open(QString::fromStdString(temp.dbPath()));
        QTRY_COMPARE(opened.count(), 1);
        QSignalSpy writeFailed(&store, &AsyncStore::writeFailed);
        store.post([](Database& db) { return Messages(db).checkpoint(777, "no such reply"); });
        QTRY_COMPARE(writeFailed.count(), 1);

        bool called = false;
        auto* context = new QObject;
        store.post(
            context, [](Database& db) { return Conversations(db).count(); },
            [&](Result<std::int64_t>) { called = true; });
        delete context;
        store.waitForIdle();
        QTest::qWait(50);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(AsyncStoreTest)
#include "tst_asyncstore.moc"
