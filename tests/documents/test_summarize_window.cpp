// Summaries in the window's path, end to end: DocumentController and its SummaryJob with the real
// hearth-engine process and the bundled stories260K model at a 2048-token context (what a new user
// gets). Debian's GPL-3 text and a 40-page PDF must each become a summary conversation in the store.
// Then the job is stopped mid-summary, by a cancel and by the engine's death: what was done is kept,
// the reason is said, and the app summarizes again afterwards.
#include "chatstore.h"
#include "documentcontroller.h"
#include "engineclient.h"
#include "storage/conversations.h"
#include "storage/database.h"
#include "storage/messages.h"
#include "summaryjob.h"
#include "testfiles.h"

#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace hearth;

namespace {

const QString kEngine = QStringLiteral(HEARTH_ENGINE_PATH);
const QString kModel = QStringLiteral(HEARTH_SOURCE_DIR "/resources/models/stories260K.gguf");
const QString kGpl3 = QStringLiteral("/usr/share/common-licenses/GPL-3");
constexpr int kContext = 2048;

} // namespace

class SummarizeWindowTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    ChatStore* m_store = nullptr;
    EngineClient* m_engine = nullptr;
    DocumentController* m_documents = nullptr;

    // Summarizes `path` through the controller; returns the new conversation (0 on failure).
    qint64 summarizeInWindow(const QString& path)
    {
        QSignalSpy finished(m_documents, &DocumentController::finished);
        QSignalSpy failed(m_documents, &DocumentController::failed);
        if (!m_documents->summarize(QUrl::fromLocalFile(path).toString(), QStringLiteral("short"))) return 0;
        if (!QTest::qWaitFor([&] { return finished.count() + failed.count() > 0; }, 120000)) {
            qWarning("no end after 2 minutes; last status: %s", qPrintable(m_documents->status()));
            return 0;
        }
        if (!failed.isEmpty()) qWarning("failed: %s", qPrintable(failed.at(0).at(0).toString()));
        if (finished.isEmpty() || finished.at(0).at(1).toBool()) return 0;
        return finished.at(0).at(0).toLongLong();
    }

    // The stored summary conversation: its request and a non-empty, complete summary.
    void checkStored(qint64 conversationId, const QString& fileName)
    {
        m_store->waitForIdle();
        auto opened = storage::Database::open(m_dir.filePath("hearth.db").toStdString());
        QVERIFY(opened.ok());
        auto conversation = storage::Conversations(*opened).get(conversationId);
        QVERIFY(conversation.ok());
        QVERIFY(conversation->title.starts_with("Summary: "));
        auto thread = storage::Messages(*opened).thread(conversationId);
        QVERIFY(thread.ok());
        QCOMPARE(thread->size(), size_t(2));
        QCOMPARE(QString::fromStdString((*thread)[0].text), QStringLiteral("Summarize %1.").arg(fileName));
        QVERIFY(!(*thread)[1].text.empty());
        QCOMPARE((*thread)[1].status, storage::MessageStatus::Complete);
    }

    QString smallText()
    {
        const QString path = m_dir.filePath("small.txt");
        test::writeBytes(path, "Lily saw a big boat and was very happy.\n\nTom saw a tree in the park.\n");
        return path;
    }

    std::unique_ptr<SummaryJob> longJob()
    {
        const QString pdf = m_dir.filePath("stop.pdf");
        if (!test::writePdf(pdf, test::manualPages(20, 2))) return {};
        return std::make_unique<SummaryJob>(m_engine, pdf, documents::SummaryLength::Short, kContext);
    }

private slots:
    void initTestCase()
    {
        // This test is about summarizing, not its priority (tst_engineprocess checks that): CTest runs
        // two tests at once, and at nice 10 the summary would get a tenth of a core beside the other.
        qputenv("HEARTH_LOW_PRIORITY_NICE", "0");
        m_store = new ChatStore(this);
        m_store->setPath(m_dir.filePath("hearth.db"));
        QTRY_VERIFY_WITH_TIMEOUT(m_store->ready(), 10000);
        m_engine = new EngineClient(this);
        m_engine->setProgram(kEngine);
        QSignalSpy loaded(m_engine, &EngineClient::modelLoaded);
        m_engine->start();
        m_engine->load({ .path = kModel, .backend = QStringLiteral("cpu"), .context = kContext });
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loaded.at(0).at(0).toMap().value("contextLength").toInt(), kContext);
        m_documents = new DocumentController(this);
        m_documents->setStore(m_store);
        m_documents->setEngine(m_engine);
        m_documents->setContextLength(kContext);
    }

    void summarizesGpl3()
    {
        QVERIFY(QFile::exists(kGpl3));
        const qint64 conversationId = summarizeInWindow(kGpl3);
        QVERIFY2(conversationId > 0, qPrintable(m_documents->error()));
        QVERIFY(m_documents->error().isEmpty());
        checkStored(conversationId, QStringLiteral("GPL-3"));
    }

    void summarizesLongPdf()
    {
        const QString pdf = m_dir.filePath("manual.pdf");
        QVERIFY(test::writePdf(pdf, test::manualPages(40, 2), QStringLiteral("A long manual")));
        QStringList statuses;
        QObject scope;
        connect(m_documents, &DocumentController::progressChanged, &scope,
            [&] { statuses << m_documents->status(); });
        const qint64 conversationId = summarizeInWindow(pdf);
        QVERIFY2(conversationId > 0, qPrintable(m_documents->error()));
        QVERIFY(m_documents->error().isEmpty());
        checkStored(conversationId, QStringLiteral("manual.pdf"));
        QVERIFY(statuses.join('|').contains(QStringLiteral("(pages ")));
        QVERIFY(statuses.join('|').contains(QStringLiteral("Combining 1 of ")));
    }

    // Cancel while a step is in flight: the engine is asked to stop it, what was done is kept.
    void cancelMidSummary()
    {
        auto job = longJob();
        QVERIFY(job);
        QSignalSpy finished(job.get(), &SummaryJob::finished);
        connect(job.get(), &SummaryJob::progressed, job.get(), [&job](const documents::SummaryProgress& p) {
            if (!p.finished && p.step == 3) job->cancel();
        });
        job->start();
        QVERIFY(finished.wait(60000));
        QVERIFY(job->summary().cancelled);
        QVERIFY(job->error().isEmpty());
        QVERIFY(!job->summary().text.empty());
        QVERIFY(job->summary().coverage.starts_with("parts 1–"));
        job.reset();
        // The app goes on: the next summary works.
        QVERIFY(summarizeInWindow(smallText()) > 0);
    }

    // The engine dies while a step is in flight: the job stops at once, keeps what was done and says
    // why; the engine comes back with the model and the app summarizes again.
    void engineDeathMidSummary()
    {
        auto job = longJob();
        QVERIFY(job);
        QSignalSpy finished(job.get(), &SummaryJob::finished);
        QSignalSpy failed(job.get(), &SummaryJob::failed);
        QSignalSpy reloaded(m_engine, &EngineClient::modelLoaded);
        connect(job.get(), &SummaryJob::progressed, job.get(), [this](const documents::SummaryProgress& p) {
            if (!p.finished && p.step == 3) m_engine->killEngine();
        });
        job->start();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 0, 60000);
        QCOMPARE(failed.count(), 0);
        QVERIFY(job->summary().cancelled);
        QVERIFY2(job->error().contains(QStringLiteral("The engine stopped unexpectedly")),
            qPrintable(job->error()));
        QVERIFY(job->summary().coverage.starts_with("parts 1–2 of")
            || job->summary().coverage.starts_with("parts 1–3 of"));
        job.reset();

        // Through the controller the reason reaches the window, and the summary so far is stored.
        QTRY_VERIFY_WITH_TIMEOUT(reloaded.count() >= 1, 30000);
        QSignalSpy controllerFinished(m_documents, &DocumentController::finished);
        QObject scope;
        bool killed = false;
        connect(m_documents, &DocumentController::progressChanged, &scope, [this, &killed] {
            if (!killed && m_documents->status().startsWith(QStringLiteral("Part 2 of "))) {
                killed = true;
                m_engine->killEngine();
            }
        });
        QVERIFY(m_documents->summarize(m_dir.filePath("stop.pdf"), QStringLiteral("short")));
        QVERIFY(controllerFinished.wait(60000));
        QVERIFY(killed);
        QCOMPARE(controllerFinished.at(0).at(1).toBool(), true);
        QVERIFY(controllerFinished.at(0).at(0).toLongLong() > 0);
        QVERIFY2(m_documents->error().contains(QStringLiteral("what was done is kept")),
            qPrintable(m_documents->error()));
        QVERIFY(!m_documents->busy());

        QTRY_VERIFY_WITH_TIMEOUT(reloaded.count() >= 2, 30000);
        const qint64 again = summarizeInWindow(smallText());
        QVERIFY2(again > 0, qPrintable(m_documents->error()));
        QVERIFY(m_documents->error().isEmpty());
    }
};

int main(int argc, char** argv)
{
    QGuiApplication app(argc, argv);
    SummarizeWindowTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_summarize_window.moc"
