// A chat with a model on an OpenAI-compatible server, end to end below the QML: the real store, the
// real hearth-engine process, and llama.cpp's llama-server (../shared/baseline, CPU build) serving
// stories260K with an API key. The reply streams into the thread, is stored and found by search,
// can be stopped and regenerated; a wrong key, a server killed mid-reply and a port where nothing
// listens each end with a message that says what happened, keeping what arrived. A model picked from
// the server list (Settings, Remote servers) is named "model @ server" in the bar and in the stored
// conversation, and a document is summarized on it.
#include "chat_harness.h"
#include "documentcontroller.h"
#include "fakesecretstore.h"
#include "remoteserverlist.h"
#include "shared_data.h"
#include "storage/conversations.h"
#include "storage/database.h"
#include "storage/messages.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kKey = QStringLiteral("remote-test-key");

int freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

struct Harness : ChatHarness {
    explicit Harness(const QString& dbPath)
        : ChatHarness(dbPath, HEARTH_ENGINE_PATH)
    {
    }
};

} // namespace

class TestRemoteChat : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcess m_server;
    int m_port = 0;
    int m_db = 0;

    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_port); }
    QString freshDb() { return m_dir.filePath(QString("remote-%1.sqlite").arg(++m_db)); }

    void startServer()
    {
        m_port = freePort();
        m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_server.setStandardOutputFile(QProcess::nullDevice());
        m_server.start(hearth::test::sharedDir() + "/baseline/llama-server",
            { "-m", hearth::test::testdata("models/stories260K.gguf"), "--alias", "stories260K", "--host",
                "127.0.0.1", "--port", QString::number(m_port), "--api-key", kKey, "-c", "2048", "-t", "1",
                "--log-disable" });
        QVERIFY(m_server.waitForStarted(10000));
    }

    // Connected to the server's model, ready to send.
    bool connect(Harness& h, const QString& key = kKey)
    {
        if (!QTest::qWaitFor([&] { return h.engine.running() && h.store.ready(); }, 20000)) return false;
        // While llama-server starts, it refuses connections, then answers 503 until its model is loaded.
        for (int attempt = 0; attempt < 100; ++attempt) {
            h.model.openRemote(baseUrl(), key, "stories260K");
            if (!QTest::qWaitFor([&] { return h.model.state() != "loading"; }, 20000)) return false;
            const bool starting
                = h.model.error().contains("Could not connect") || h.model.error().contains("(503)");
            if (h.model.state() == "loaded" || !starting) break;
            QTest::qWait(200);
        }
        return h.model.state() == "loaded";
    }

    static QString waitReply(Harness& h, int timeoutMs = 30000)
    {
        QSignalSpy finished(&h.chat, &ChatController::replyFinished);
        return finished.wait(timeoutMs) ? finished.at(0).at(1).toString() : QString("timeout");
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        startServer();
    }

    void cleanupTestCase()
    {
        m_server.kill();
        m_server.waitForFinished();
    }

    void replyStreamsIsStoredAndFound()
    {
        Harness h(freshDb());
        QVERIFY(connect(h));
        QCOMPARE(h.model.info().value("backend").toString(), QString("remote"));
        QVERIFY2(h.model.summary().contains("127.0.0.1"), qPrintable(h.model.summary()));
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setTemperature(0);
        h.settings.setMaxTokens(40);
        QVERIFY(h.chat.send("Once upon a time"));
        QCOMPARE(waitReply(h), QString("complete"));
        QCOMPARE(h.count(), 2);
        const QString reply = h.text(1);
        QVERIFY(reply.size() > 10);

        // Stored: a second window over the same database shows it, and search finds it.
        const qint64 id = h.chat.currentConversationId();
        const QString word = reply.split(QRegularExpression("\\W+"), Qt::SkipEmptyParts).value(1);
        QVERIFY(word.size() > 0);
        h.library.search(word);
        QTRY_VERIFY(h.library.searchResults()->rowCount() >= 1);
        h.store.waitForIdle();
        Harness again(h.store.path());
        QTRY_VERIFY(again.store.ready());
        again.chat.openConversation(id);
        QTRY_COMPARE(again.count(), 2);
        QCOMPARE(again.text(1), reply);

        // Regenerate: a second alternative from the server.
        QVERIFY(h.chat.regenerate(h.chat.messages()->messageAt(1)->id));
        QCOMPARE(waitReply(h), QString("complete"));
        QVERIFY(h.text(1).size() > 10);
    }

    void stopKeepsWhatArrived()
    {
        Harness h(freshDb());
        QVERIFY(connect(h));
        h.settings.setMaxTokens(2000);
        QVERIFY(h.chat.send("Once upon a time"));
        QTRY_VERIFY(h.count() == 2 && !h.text(1).isEmpty());
        h.chat.stop();
        QCOMPARE(waitReply(h), QString("interrupted"));
        QVERIFY(!h.text(1).isEmpty());
        QTRY_VERIFY(h.chat.canSend());
    }

    // llama-server lists its models to anyone (/v1/models is public there), so a wrong key shows at
    // the first reply: it fails with the reason, and the user's message stays.
    void wrongKeyIsSaid()
    {
        Harness h(freshDb());
        QVERIFY(connect(h, "not-the-key"));
        QTRY_VERIFY(h.chat.canSend());
        QVERIFY(h.chat.send("Once upon a time"));
        QCOMPARE(waitReply(h), QString("failed"));
        QVERIFY2(h.chat.notice().contains("refused the API key (401)"), qPrintable(h.chat.notice()));
        QCOMPARE(h.text(0), QString("Once upon a time"));
    }

    void nothingListeningIsSaid()
    {
        Harness h(freshDb());
        QTRY_VERIFY(h.engine.running());
        h.model.openRemote(QStringLiteral("http://127.0.0.1:%1/v1").arg(freePort()), kKey, "stories260K");
        QTRY_COMPARE_WITH_TIMEOUT(h.model.state(), QString("error"), 20000);
        QVERIFY2(h.model.error().contains("Could not connect"), qPrintable(h.model.error()));
    }

    // Picked in the model picker: the key comes from the secret store, the bar and the conversation
    // name the model with its server.
    void pickedFromTheServerList()
    {
        Harness h(freshDb());
        QTRY_VERIFY_WITH_TIMEOUT(h.engine.running() && h.store.ready(), 20000);
        QVERIFY(connect(h)); // the server is up and its model loaded
        FakeSecretStore secrets;
        RemoteServerList servers;
        servers.setSecretStore(&secrets);
        servers.setStore(&h.store);
        servers.setModelController(&h.model);
        QTRY_VERIFY(servers.loaded());
        QCOMPARE(servers.add("Local llama", baseUrl(), kKey, false), QString());
        QTRY_COMPARE(secrets.entries.size(), qsizetype(1));
        // As after a restart: the key is not in memory, only in the secret store.
        RemoteServerList again;
        again.setSecretStore(&secrets);
        again.setStore(&h.store);
        again.setModelController(&h.model);
        QTRY_COMPARE(again.rowCount(), 1);
        again.openModel(0, "stories260K");
        QTRY_COMPARE_WITH_TIMEOUT(h.model.displayName(), QString("stories260K @ Local llama"), 20000);
        QCOMPARE(h.model.state(), QString("loaded"));

        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(20);
        QVERIFY(h.chat.send("Once upon a time"));
        QCOMPARE(waitReply(h), QString("complete"));
        const qint64 id = h.chat.currentConversationId();
        h.store.waitForIdle();
        auto db = hearth::storage::Database::open(h.store.path().toStdString());
        QVERIFY(db.ok());
        auto conversation = hearth::storage::Conversations(db.value()).get(id);
        QVERIFY(conversation.ok());
        QCOMPARE(conversation->settings.model, std::string("stories260K @ Local llama"));
    }

    // A document summary runs on the server's model as on a file (through the engine process).
    void documentSummaryRunsOnTheServer()
    {
        Harness h(freshDb());
        QVERIFY(connect(h));
        DocumentController documents;
        documents.setStore(&h.store);
        documents.setEngine(&h.engine);
        documents.setChat(&h.chat);
        // llama-server was started with a 2048-token context; the window passes the model's context.
        documents.setContextLength(2048);
        const QString file = m_dir.filePath("story.txt");
        {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write("Lily lived by the sea in a small white house. Every morning she walked to the "
                      "lighthouse with her dog, Max, and waved at the fishing boats.\n\nOne day a storm "
                      "came. The light went out, and Lily climbed the stairs with a lamp so the boats "
                      "could find the harbour. The fishermen thanked her, and the town gave her a medal.\n");
        }
        QSignalSpy finished(&documents, &DocumentController::finished);
        QSignalSpy failed(&documents, &DocumentController::failed);
        QVERIFY(documents.summarize(QUrl::fromLocalFile(file).toString(), QStringLiteral("short")));
        QVERIFY(QTest::qWaitFor([&] { return finished.count() + failed.count() > 0; }, 60000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(finished.at(0).at(1).toBool(), false); // not cancelled
        h.store.waitForIdle();
        auto db = hearth::storage::Database::open(h.store.path().toStdString());
        QVERIFY(db.ok());
        auto thread = hearth::storage::Messages(db.value()).thread(finished.at(0).at(0).toLongLong());
        QVERIFY(thread.ok());
        QCOMPARE(thread->size(), size_t(2));
        QVERIFY(!(*thread)[1].text.empty());
        QCOMPARE((*thread)[1].status, hearth::storage::MessageStatus::Complete);
    }

    // Last: it kills the server.
    void serverKilledMidReplyKeepsTheText()
    {
        Harness h(freshDb());
        QVERIFY(connect(h));
        h.settings.setMaxTokens(2000);
        QVERIFY(h.chat.send("Once upon a time"));
        QTRY_VERIFY(h.count() == 2 && !h.text(1).isEmpty());
        m_server.kill();
        QCOMPARE(waitReply(h), QString("failed"));
        QVERIFY(!h.text(1).isEmpty());
        QVERIFY2(h.chat.notice().contains("What arrived is kept"), qPrintable(h.chat.notice()));
        QTRY_VERIFY(h.chat.canSend());
    }
};

QTEST_MAIN(TestRemoteChat)
#include "tst_remote_chat.moc"
