// Settings, Remote servers, below the QML: RemoteServerList under QAbstractItemModelTester with the
// real store and an in-memory secret store (fakesecretstore.h). Servers are added, edited, removed
// and found again after a restart; the key is in the secret store and nowhere in the database,
// unless the user ticked the unencrypted option; with no secret service the key is kept for the
// session and the user is told what to do. The models are listed from real servers we start:
// llama.cpp's llama-server (the expected list is what the server itself answers to a plain GET) and
// Hearth's own server for a wrong key; then a port where nothing listens, a wrong path, 429 and 503,
// and a server that never answers, during which the event loop keeps turning.
#include "chatstore.h"
#include "fakesecretstore.h"
#include "modellisting.h"
#include "remoteserverlist.h"
#include "storage/database.h"
#include "storage/settings.h"
#include "testservers.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace hearth;
using Role = RemoteServerList::Roles;

namespace {

const QString kKey = QStringLiteral("sk-remote-servers-test-7f3a");

// One window's store and server list over a database file, sharing the secret store (which, like the
// desktop's, outlives the app).
struct Servers {
    ChatStore store;
    RemoteServerList list;
    std::unique_ptr<QAbstractItemModelTester> tester;

    Servers(const QString& path, FakeSecretStore& secrets)
    {
        list.setSecretStore(&secrets);
        tester = std::make_unique<QAbstractItemModelTester>(
            &list, QAbstractItemModelTester::FailureReportingMode::QtTest);
        store.setPath(path);
        list.setStore(&store);
    }
    QVariant at(int row, Role role) const { return list.data(list.index(row), role); }
    QString listing(int row) const { return at(row, Role::ListingRole).toString(); }
    bool waitListed(int row, int timeoutMs = 20000)
    {
        return QTest::qWaitFor(
            [&] { return listing(row) == "listed" || listing(row) == "failed"; }, timeoutMs);
    }
};

// Every value of the settings table, read from the database file by another connection.
std::map<std::string, std::string> storedSettings(const QString& path)
{
    auto db = storage::Database::open(path.toStdString());
    if (!db.ok()) return {};
    auto all = storage::Settings(db.value()).all();
    return all.ok() ? all.value() : std::map<std::string, std::string> {};
}

bool fileContains(const QString& path, const QString& text)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.readAll().contains(text.toUtf8());
}

// A server that answers every request with one canned HTTP response, or (empty) never answers.
class CannedServer : public QTcpServer {
public:
    QByteArray response;
    explicit CannedServer(QByteArray canned)
        : response(std::move(canned))
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    if (!socket->readAll().isEmpty() && !response.isEmpty()) {
                        socket->write(response);
                        socket->disconnectFromHost();
                    }
                });
            }
        });
    }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(serverPort()); }
};

QByteArray httpResponse(int status, const QByteArray& reason, const QByteArray& body)
{
    return "HTTP/1.1 " + QByteArray::number(status) + " " + reason
        + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestRemoteServers : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_db = 0;
    QString freshDb() { return m_dir.filePath(QString("servers-%1.sqlite").arg(++m_db)); }

private slots:
    void addressesAreChecked_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("baseUrl"); // empty: refused
        QTest::addColumn<bool>("warned"); // plain http beyond this computer
        QTest::newRow("llama-server here") << "http://127.0.0.1:8080/v1"
                                           << "http://127.0.0.1:8080/v1" << false;
        QTest::newRow("localhost, slash") << " http://localhost:11434/v1/ "
                                          << "http://localhost:11434/v1" << false;
        QTest::newRow("IPv6 loopback") << "http://[::1]:8000/v1"
                                       << "http://[::1]:8000/v1" << false;
        QTest::newRow("vLLM on the LAN") << "http://gpu-box.lan:8000/v1"
                                         << "http://gpu-box.lan:8000/v1" << true;
        QTest::newRow("SGLang by address") << "http://10.0.0.7:30000/v1"
                                           << "http://10.0.0.7:30000/v1" << true;
        QTest::newRow("https") << "https://llm.example.org/v1"
                               << "https://llm.example.org/v1" << false;
        QTest::newRow("no path: /v1") << "https://llm.example.org"
                                      << "https://llm.example.org/v1" << false;
        QTest::newRow("no scheme") << "gpu-box:8000/v1"
                                   << "" << false;
        QTest::newRow("ftp") << "ftp://gpu-box/v1"
                             << "" << false;
        QTest::newRow("no host") << "http:///v1"
                                 << "" << false;
        QTest::newRow("user in it") << "https://me:secret@llm.example.org/v1"
                                    << "" << false;
        QTest::newRow("query") << "https://llm.example.org/v1?key=x"
                               << "" << false;
        QTest::newRow("empty") << ""
                               << "" << false;
    }
    void addressesAreChecked()
    {
        QFETCH(QString, typed);
        QFETCH(QString, baseUrl);
        QFETCH(bool, warned);
        RemoteServerList list;
        const QVariantMap checked = list.checkAddress(typed);
        QCOMPARE(checked.value("baseUrl").toString(), baseUrl);
        QCOMPARE(checked.value("error").toString().isEmpty(), !baseUrl.isEmpty());
        QCOMPARE(checked.value("warning").toString().isEmpty(), !warned);
        if (warned) QVERIFY(checked.value("warning").toString().contains("plain text"));
        // A refused address is not added.
        if (baseUrl.isEmpty()) {
            QVERIFY(!list.add("x", typed, {}, false).isEmpty());
            QCOMPARE(list.rowCount(), 0);
        }
    }

    void addEditRemoveAndRestart()
    {
        FakeSecretStore secrets;
        const QString path = freshDb();
        QString id;
        {
            Servers s(path, secrets);
            QTRY_VERIFY(s.list.loaded());
            QCOMPARE(s.list.rowCount(), 0);
            QCOMPARE(s.list.add("GPU box", "http://gpu-box.lan:8000/v1", kKey, false), QString());
            QCOMPARE(s.list.add("", "https://llm.example.org", {}, false), QString());
            QCOMPARE(s.list.rowCount(), 2);
            id = s.at(0, Role::IdRole).toString();
            QTRY_COMPARE(s.at(0, Role::KeyPlaceRole).toString(), QString("secretStore"));
            QVERIFY(s.at(0, Role::WarningRole).toString().contains("plain text"));
            QCOMPARE(s.at(1, Role::NameRole).toString(), QString("llm.example.org")); // the host, unnamed
            QCOMPARE(s.at(1, Role::KeyPlaceRole).toString(), QString("none"));
            QCOMPARE(s.at(1, Role::BaseUrlRole).toString(), QString("https://llm.example.org/v1"));
            QCOMPARE(secrets.entries.size(), 1);
            QCOMPARE(secrets.entries.first(), kKey);
            s.store.waitForIdle();
        }
        // The key is in the secret store only: not in any setting, not in the database's files.
        const auto stored = storedSettings(path);
        QVERIFY(stored.count("remoteServers.list") == 1);
        for (const auto& [name, value] : stored)
            QVERIFY2(value.find(kKey.toStdString()) == std::string::npos, name.c_str());
        for (const QString& file : { path, path + "-wal" })
            QVERIFY2(!fileContains(file, kKey), qPrintable(file));

        // After a restart: the same servers; edit one (the key stays), remove the other.
        {
            Servers s(path, secrets);
            QTRY_VERIFY(s.list.loaded());
            QCOMPARE(s.list.rowCount(), 2);
            QCOMPARE(s.at(0, Role::IdRole).toString(), id);
            QCOMPARE(s.at(0, Role::NameRole).toString(), QString("GPU box"));
            QCOMPARE(s.at(0, Role::KeyPlaceRole).toString(), QString("secretStore"));
            QCOMPARE(
                s.list.update(0, "Cluster", "https://cluster.example.org:8443/v1", {}, false), QString());
            QCOMPARE(s.at(0, Role::NameRole).toString(), QString("Cluster"));
            QVERIFY(s.at(0, Role::WarningRole).toString().isEmpty()); // https now
            QVERIFY(!s.list.update(0, "Cluster", "cluster:8443", {}, false).isEmpty()); // refused, unchanged
            QCOMPARE(s.at(0, Role::BaseUrlRole).toString(), QString("https://cluster.example.org:8443/v1"));
            s.list.remove(1);
            QCOMPARE(s.list.rowCount(), 1);
            s.store.waitForIdle();
        }
        {
            Servers s(path, secrets);
            QTRY_VERIFY(s.list.loaded());
            QCOMPARE(s.list.rowCount(), 1);
            QCOMPARE(s.at(0, Role::NameRole).toString(), QString("Cluster"));
            QCOMPARE(s.at(0, Role::KeyPlaceRole).toString(), QString("secretStore"));
            QCOMPARE(secrets.entries.value("server-" + id), kKey);
            // A new key replaces the old; removing the server removes its key.
            QCOMPARE(s.list.update(0, "Cluster", "https://cluster.example.org:8443/v1", "sk-new", false),
                QString());
            QTRY_COMPARE(secrets.entries.value("server-" + id), QString("sk-new"));
            s.list.remove(0);
            QTRY_VERIFY(secrets.entries.isEmpty());
            s.store.waitForIdle();
        }
        QCOMPARE(
            QJsonDocument::fromJson(QByteArray::fromStdString(storedSettings(path).at("remoteServers.list")))
                .array()
                .size(),
            0);
    }

    // Only with the user's consent, per server: the key in Hearth's database; moved back on request.
    void keyInTheDatabaseWhenChosen()
    {
        FakeSecretStore secrets;
        const QString path = freshDb();
        {
            Servers s(path, secrets);
            QTRY_VERIFY(s.list.loaded());
            QCOMPARE(s.list.add("Box", "http://127.0.0.1:9/v1", kKey, true), QString());
            QCOMPARE(s.at(0, Role::KeyPlaceRole).toString(), QString("database"));
            s.store.waitForIdle();
            QVERIFY(secrets.entries.isEmpty());
        }
        bool found = false;
        for (const auto& [name, value] : storedSettings(path))
            found = found || (value == kKey.toStdString() && name.starts_with("remoteServers.key."));
        QVERIFY(found);
        {
            Servers s(path, secrets);
            QTRY_VERIFY(s.list.loaded());
            QCOMPARE(s.at(0, Role::KeyPlaceRole).toString(), QString("database"));
            // Untick: the same key goes to the secret store and leaves the database.
            QCOMPARE(s.list.update(0, "Box", "http://127.0.0.1:9/v1", {}, false), QString());
            QTRY_COMPARE(s.at(0, Role::KeyPlaceRole).toString(), QString("secretStore"));
            QCOMPARE(secrets.entries.size(), 1);
            QCOMPARE(secrets.entries.first(), kKey);
            s.store.waitForIdle();
        }
        for (const auto& [name, value] : storedSettings(path))
            QVERIFY2(value.find(kKey.toStdString()) == std::string::npos, name.c_str());
    }

    // No secret service (CI, Xvfb, a bare window manager): the key works this session, is written
    // nowhere, and the user reads what to do.
    void noSecretServiceIsSaid()
    {
        FakeSecretStore secrets;
        secrets.available = false;
        const QString path = freshDb();
        test::TestServer server(kKey);
        QVERIFY2(server.startLlamaServer(), "llama-server from ../shared/baseline did not start");
        {
            Servers s(path, secrets);
            QTRY_VERIFY(s.list.loaded());
            QCOMPARE(s.list.add("Here", server.baseUrl(), kKey, false), QString());
            QTRY_COMPARE(s.at(0, Role::KeyPlaceRole).toString(), QString("unsaved"));
            QTRY_VERIFY(!s.at(0, Role::KeyMessageRole).toString().contains("Saving"));
            const QString message = s.at(0, Role::KeyMessageRole).toString();
            QVERIFY2(message.contains("No secret store is running") && message.contains("until Hearth quits")
                    && message.contains("Keep the key in Hearth's database, unencrypted"),
                qPrintable(message));
            s.list.listModels(0);
            QVERIFY(s.waitListed(0));
            QCOMPARE(s.listing(0), QString("listed"));
            s.store.waitForIdle();
        }
        for (const auto& [name, value] : storedSettings(path))
            QVERIFY2(value.find(kKey.toStdString()) == std::string::npos, name.c_str());
        {
            Servers s(path, secrets);
            QTRY_VERIFY(s.list.loaded());
            QCOMPARE(s.at(0, Role::KeyPlaceRole).toString(), QString("unsaved"));
            s.list.listModels(0);
            QVERIFY(s.waitListed(0));
            QCOMPARE(s.listing(0), QString("failed"));
            QVERIFY2(s.at(0, Role::ListingErrorRole).toString().contains("enter it again"),
                qPrintable(s.at(0, Role::ListingErrorRole).toString()));
        }
    }

    // The list is what llama-server itself answers to GET /v1/models.
    void listsTheModelsOfLlamaServer()
    {
        test::TestServer server(kKey);
        QVERIFY2(server.startLlamaServer(), "llama-server from ../shared/baseline did not start");
        const test::HttpAnswer direct = test::httpGet(server.baseUrl() + "/models", kKey);
        QCOMPARE(direct.status, 200);
        QStringList expected;
        for (const QJsonValue& model : QJsonDocument::fromJson(direct.body).object().value("data").toArray())
            expected << model.toObject().value("id").toString();
        QVERIFY(!expected.isEmpty());

        FakeSecretStore secrets;
        Servers s(freshDb(), secrets);
        QTRY_VERIFY(s.list.loaded());
        QCOMPARE(s.list.add("Local llama", server.baseUrl(), kKey, false), QString());
        s.list.listAllModels();
        QVERIFY(s.waitListed(0));
        QVERIFY2(s.listing(0) == "listed", qPrintable(s.at(0, Role::ListingErrorRole).toString()));
        QCOMPARE(s.at(0, Role::ModelsRole).toStringList(), expected);
        // The picker: the server's line, then its models.
        const QVariantList entries = s.list.pickerEntries();
        QCOMPARE(entries.size(), 1 + expected.size());
        QCOMPARE(entries.at(0).toMap().value("kind").toString(), QString("server"));
        QCOMPARE(entries.at(1).toMap().value("model").toString(), expected.first());
    }

    // Hearth's own server wants the key for /v1/models (llama-server lists its models to anyone).
    void wrongKeyIsSaid()
    {
        test::TestServer server(kKey);
        QVERIFY2(server.startHearthServer(HEARTH_CLI_PATH), "hearth-cli serve did not start");
        QCOMPARE(test::httpGet(server.baseUrl() + "/models", "not-the-key").status, 401);
        FakeSecretStore secrets;
        Servers s(freshDb(), secrets);
        QTRY_VERIFY(s.list.loaded());
        QCOMPARE(s.list.add("Hearth", server.baseUrl(), "not-the-key", false), QString());
        QCOMPARE(s.list.add("Hearth, right key", server.baseUrl(), kKey, false), QString());
        s.list.listAllModels();
        QVERIFY(s.waitListed(0) && s.waitListed(1));
        QCOMPARE(s.listing(0), QString("failed"));
        const QString error = s.at(0, Role::ListingErrorRole).toString();
        QVERIFY2(error.contains("refused the API key (401)") && error.contains("Settings, Remote servers"),
            qPrintable(error));
        QCOMPARE(s.listing(1), QString("listed"));
        QCOMPARE(s.at(1, Role::ModelsRole).toStringList(), QStringList { "stories260K" });
    }

    void failuresAreSaid_data()
    {
        QTest::addColumn<QByteArray>("response"); // empty: nothing listens on the port
        QTest::addColumn<QString>("said");
        QTest::newRow("nothing listening") << QByteArray() << "Could not connect";
        QTest::newRow("429") << httpResponse(429, "Too Many Requests",
            R"({"error":{"message":"Rate limit reached","type":"rate_limit_error"}})")
                             << "busy (429, too many requests); try again in a moment: Rate limit reached";
        QTest::newRow("503") << httpResponse(
            503, "Service Unavailable", R"({"error":{"message":"Loading model"}})")
                             << "failed (503): Loading model";
    }
    void failuresAreSaid()
    {
        QFETCH(QByteArray, response);
        QFETCH(QString, said);
        CannedServer canned(response);
        const QString url = response.isEmpty()
            ? QStringLiteral("http://127.0.0.1:%1/v1").arg(test::freePort())
            : canned.baseUrl();
        FakeSecretStore secrets;
        Servers s(freshDb(), secrets);
        QTRY_VERIFY(s.list.loaded());
        QCOMPARE(s.list.add("Box", url, kKey, false), QString());
        s.list.listModels(0);
        QVERIFY(s.waitListed(0));
        QCOMPARE(s.listing(0), QString("failed"));
        QVERIFY2(s.at(0, Role::ListingErrorRole).toString().contains(said),
            qPrintable(s.at(0, Role::ListingErrorRole).toString()));
    }

    // A wrong address on a real server: llama-server has no API under /api.
    void wrongPathIsSaid()
    {
        test::TestServer server(kKey);
        QVERIFY2(server.startLlamaServer(), "llama-server from ../shared/baseline did not start");
        const QString url = QString(server.baseUrl()).replace("/v1", "/api");
        QCOMPARE(test::httpGet(url + "/models", kKey).status, 404);
        FakeSecretStore secrets;
        Servers s(freshDb(), secrets);
        QTRY_VERIFY(s.list.loaded());
        QCOMPARE(s.list.add("Box", url, kKey, false), QString());
        s.list.listModels(0);
        QVERIFY(s.waitListed(0));
        const QString error = s.at(0, Role::ListingErrorRole).toString();
        QVERIFY2(error.contains("has no OpenAI API at this address (404)") && error.contains("/v1"),
            qPrintable(error));
    }

    // A server that takes the connection and never answers: the event loop keeps turning all along,
    // and the listing gives up after kListingSilenceSeconds with a sentence.
    void silentServerNeverBlocks()
    {
        CannedServer silent({});
        FakeSecretStore secrets;
        Servers s(freshDb(), secrets);
        QTRY_VERIFY(s.list.loaded());
        QCOMPARE(s.list.add("Silent", silent.baseUrl(), kKey, false), QString());
        int ticks = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, [&] { ++ticks; });
        ticker.start(100);
        QElapsedTimer clock;
        clock.start();
        s.list.listModels(0);
        QCOMPARE(s.listing(0), QString("listing"));
        QVERIFY(s.waitListed(0, 60000));
        const double seconds = clock.elapsed() / 1000.0;
        QCOMPARE(s.listing(0), QString("failed"));
        QVERIFY2(s.at(0, Role::ListingErrorRole).toString().contains("stopped sending"),
            qPrintable(s.at(0, Role::ListingErrorRole).toString()));
        QVERIFY(seconds >= kListingSilenceSeconds - 1);
        // Ten ticks a second while it waited, give or take a loaded machine.
        QVERIFY2(ticks >= int(seconds * 10 * 0.5),
            qPrintable(QString("%1 ticks in %2 s").arg(ticks).arg(seconds)));
    }
};

QTEST_MAIN(TestRemoteServers)
#include "tst_remote_servers.moc"
