// Settings → API server, below the QML: the real store, the real hearth-engine with stories260K,
// and ApiServerController with an in-memory secret store. The key is made on first use and kept in
// the secret store (and only there), the server runs at the address shown, the key is required,
// a new key replaces the old one, a taken port is a clear error, the server comes back when the
// engine restarts, the window's chat and an API request are both answered, and turning it off
// closes the port.
#include "apiservercontroller.h"
#include "chat_harness.h"
#include "fakesecretstore.h"
#include "shared_data.h"
#include "storage/database.h"
#include "storage/settings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Reply {
    int status = 0; // 0: no HTTP answer (refused, ...)
    QJsonObject body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
};

// One request to the server, waited for while the event loop runs (the engine's replies too).
Reply call(const QString& url, const QString& key, const QJsonObject& body = {})
{
    static QNetworkAccessManager network;
    QNetworkRequest request { QUrl(url) };
    if (!key.isEmpty()) request.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply* reply = body.isEmpty()
        ? network.get(request)
        : network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(60000);
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = QJsonDocument::fromJson(reply->readAll()).object();
    result.error = reply->error();
    reply->deleteLater();
    return result;
}

struct Harness : ChatHarness {
    FakeSecretStore secrets;
    ApiServerController server;

    explicit Harness(const QString& dbPath)
        : ChatHarness(dbPath, HEARTH_ENGINE_PATH)
    {
        server.setSecretStore(&secrets);
        server.setStore(&store);
        server.setEngine(&engine);
    }

    bool loadStories()
    {
        if (!QTest::qWaitFor([&] { return engine.running() && store.ready(); }, 20000)) return false;
        model.open(hearth::test::testdata("models/stories260K.gguf"));
        return QTest::qWaitFor([&] { return model.state() == "loaded"; }, 30000);
    }
    bool waitFor(ApiServerController::State state, int timeoutMs = 20000)
    {
        return QTest::qWaitFor([&] { return server.state() == state; }, timeoutMs);
    }
    QString url(const QString& path) const { return server.address() + path; }
};

} // namespace

class TestApiServer : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_db = 0;
    QString freshDb() { return m_dir.filePath(QString("server-%1.sqlite").arg(++m_db)); }

private slots:
    void servesTheLoadedModelWithAKeyMadeOnFirstUse()
    {
        Harness h(freshDb());
        QVERIFY(h.loadStories());
        QCOMPARE(h.server.state(), ApiServerController::State::Off);
        QVERIFY(h.server.apiKey().isEmpty());
        h.server.setEnabled(true);
        QVERIFY(h.waitFor(ApiServerController::State::Running));

        // The key: made now, "hearth-" and 48 hex digits, and kept in the secret store.
        const QString key = h.server.apiKey();
        QVERIFY2(QRegularExpression("^hearth-[0-9a-f]{48}$").match(key).hasMatch(), qPrintable(key));
        QCOMPARE(h.secrets.entries.value("api-server-key"), key);
        QVERIFY(h.server.keyNotice().isEmpty());
        // ... and nowhere in the database.
        h.store.waitForIdle();
        {
            auto db = hearth::storage::Database::open(h.store.path().toStdString());
            QVERIFY(db.ok());
            auto all = hearth::storage::Settings(db.value()).all();
            QVERIFY(all.ok());
            for (const auto& [name, value] : all.value())
                QVERIFY2(QString::fromStdString(value).indexOf(key) < 0, name.c_str());
            QCOMPARE(QString::fromStdString(all.value().at("apiServer.enabled")), QString("true"));
        }

        // 8080, or the next free port when another program has it; on loopback.
        const QUrl address(h.server.address());
        QCOMPARE(address.host(), QString("127.0.0.1"));
        QVERIFY2(address.port() >= 8080 && address.port() <= 8100, qPrintable(h.server.address()));
        QCOMPARE(address.path(), QString("/v1"));
        QCOMPARE(h.server.modelId(), QString("stories260K"));

        const Reply models = call(h.url("/models"), key);
        QCOMPARE(models.status, 200);
        QCOMPARE(models.body.value("data").toArray().at(0).toObject().value("id").toString(),
            QString("stories260K"));
        const Reply wrong = call(h.url("/models"), key + "x");
        QCOMPARE(wrong.status, 401);
        QCOMPARE(wrong.body.value("error").toObject().value("code").toString(), QString("invalid_api_key"));
        QCOMPARE(call(h.url("/models"), QString()).status, 401);

        // A new key: the old one is refused at once.
        h.server.regenerateKey();
        const QString newKey = h.server.apiKey();
        QVERIFY(newKey != key);
        QVERIFY(h.waitFor(ApiServerController::State::Running));
        QTRY_COMPARE(h.secrets.entries.value("api-server-key"), newKey);
        QCOMPARE(call(h.url("/models"), key).status, 401);
        QCOMPARE(call(h.url("/models"), newKey).status, 200);
    }

    void theWindowsChatAndAnApiRequestAreBothAnswered()
    {
        Harness h(freshDb());
        QVERIFY(h.loadStories());
        h.server.setEnabled(true);
        QVERIFY(h.waitFor(ApiServerController::State::Running));
        QSignalSpy finished(&h.chat, &ChatController::replyFinished);
        QVERIFY(h.chat.send("Once upon a time"));
        const Reply api = call(h.url("/chat/completions"), h.server.apiKey(),
            { { "model", "stories260K" }, { "max_tokens", 16 },
                { "messages",
                    QJsonArray { QJsonObject { { "role", "user" }, { "content", "Once upon a time" } } } } });
        QCOMPARE(api.status, 200);
        QCOMPARE(api.body.value("usage").toObject().value("completion_tokens").toInt() > 0, true);
        QVERIFY(finished.count() > 0 || finished.wait(30000));
        QCOMPARE(finished.at(0).at(1).toString(), QString("complete"));
        QVERIFY(!h.text(1).isEmpty());
        QTRY_VERIFY(h.server.requestsServed() >= 1);
    }

    void aTakenPortIsAClearError()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        Harness h(freshDb());
        QVERIFY(h.loadStories());
        h.server.setPort(taken.serverPort());
        h.server.setEnabled(true);
        QVERIFY(h.waitFor(ApiServerController::State::Failed));
        QCOMPARE(h.server.error(),
            QString("Port %1 is already in use by another program. Choose another port, or stop the program "
                    "that uses it.")
                .arg(taken.serverPort()));
        QVERIFY(h.server.address().isEmpty());
        // Another port: it runs.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const int free = probe.serverPort();
        probe.close();
        h.server.setPort(free);
        QVERIFY(h.waitFor(ApiServerController::State::Running));
        QCOMPARE(QUrl(h.server.address()).port(), free);
    }

    void comesBackWithTheEngineAndStopsWhenTurnedOff()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const int port = probe.serverPort();
        probe.close();
        const QString db = freshDb();
        QString key;
        {
            Harness h(db);
            QVERIFY(h.loadStories());
            h.server.setPort(port);
            h.server.setEnabled(true);
            QVERIFY(h.waitFor(ApiServerController::State::Running));
            key = h.server.apiKey();

            // The engine dies (a driver fault): the server goes with it and comes back on the same port.
            h.engine.killEngine();
            QTRY_VERIFY_WITH_TIMEOUT(h.server.state() != ApiServerController::State::Running, 5000);
            QVERIFY(h.waitFor(ApiServerController::State::Running, 30000));
            QTRY_COMPARE_WITH_TIMEOUT(h.server.modelId(), QString("stories260K"), 30000);
            QCOMPARE(QUrl(h.server.address()).port(), port);
            QCOMPARE(call(h.url("/models"), key).status, 200);
            h.store.waitForIdle();
        }
        {
            // The next start: on again by itself, same port, the key read back from the secret store.
            Harness h(db);
            h.secrets.entries.insert("api-server-key", key);
            QVERIFY(h.loadStories());
            QVERIFY(h.waitFor(ApiServerController::State::Running));
            QCOMPARE(h.server.apiKey(), key);
            QCOMPARE(QUrl(h.server.address()).port(), port);

            // Off: the port is closed.
            h.server.setEnabled(false);
            QCOMPARE(h.server.state(), ApiServerController::State::Off);
            QSignalSpy stopped(&h.engine, &EngineClient::servingStopped);
            QVERIFY(stopped.wait(10000));
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, quint16(port));
            QVERIFY(!socket.waitForConnected(3000));
            QCOMPARE(socket.error(), QAbstractSocket::ConnectionRefusedError);
        }
    }

    void withoutASecretStoreTheKeyLastsTheSession()
    {
        Harness h(freshDb());
        h.secrets.available = false;
        QVERIFY(h.loadStories());
        h.server.setEnabled(true);
        QVERIFY(h.waitFor(ApiServerController::State::Running));
        QVERIFY(!h.server.apiKey().isEmpty());
        QVERIFY(h.secrets.entries.isEmpty());
        QCOMPARE(h.server.keyNotice(),
            QString("The desktop's secret store is not available (The name org.freedesktop.secrets was not "
                    "provided by any .service files). This "
                    "key is kept for this session only; programs need the new one after Hearth restarts."));
        QCOMPARE(call(h.url("/models"), h.server.apiKey()).status, 200);
    }
};

QTEST_MAIN(TestApiServer)
#include "tst_apiserver.moc"
