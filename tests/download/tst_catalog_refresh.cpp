// "Check for a newer list" against a real HTTP server on 127.0.0.1 (range_server.py serving a file as
// /catalog.json): a newer list, made from the bundled resources/catalog.json with its version raised,
// is accepted and saved byte for byte where the next start reads it. Every other answer keeps the list
// in use and a list saved before untouched, with a sentence that says why: an equal or older version, a
// body that is not JSON, a catalog of a later schema, a file size implausible for its model, HTTP 404,
// a refused connection, and a body larger than any catalog.
#include "catalog.h"
#include "catalogrefresh.h"
#include "range_server.h"

#include <QJsonArray>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>
#include <memory>

using namespace hearth::download;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The bundled catalog with `change` applied to its JSON.
QByteArray bundledWith(const std::function<void(QJsonObject&)>& change)
{
    QJsonObject root = QJsonDocument::fromJson(readAll(HEARTH_CATALOG)).object();
    change(root);
    return QJsonDocument(root).toJson();
}

int bundledVersion()
{
    return QJsonDocument::fromJson(readAll(HEARTH_CATALOG)).object().value("version").toInt();
}

struct Outcome {
    bool finished = false;
    bool accepted = false;
    QString message;
    Catalog catalog;
};

} // namespace

class TestCatalogRefresh : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString savePath() const { return m_dir->filePath("data/catalog.json"); }

    // Serves `body` as /catalog.json (none: no --catalog, so the server answers 404).
    bool serve(hearth::test::RangeServerProcess& server, const QByteArray* body)
    {
        QStringList args { "--repo", "test-owner/None" };
        if (body) {
            QFile f(m_dir->filePath("served.json"));
            if (!f.open(QIODevice::WriteOnly) || f.write(*body) != body->size()) return false;
            args << "--catalog" << f.fileName();
        }
        return server.start(args);
    }

    static Outcome refresh(const QUrl& url, int currentVersion, const QString& savePath)
    {
        CatalogRefresh refresh;
        Outcome outcome;
        QObject::connect(&refresh, &CatalogRefresh::finished,
            [&](bool accepted, const QString& message, const Catalog& catalog) {
                outcome = { true, accepted, message, catalog };
            });
        if (!refresh.start(url, currentVersion, savePath)) return outcome;
        if (!QTest::qWaitFor([&] { return outcome.finished; }, 40000)) return outcome;
        return outcome;
    }

    // A failure that leaves the saved list as it was and says why, and that the list shown is kept.
    void checkKept(const QUrl& url, int currentVersion, const QString& reason)
    {
        const QByteArray before = readAll(savePath());
        const Outcome o = refresh(url, currentVersion, savePath());
        QVERIFY2(o.finished, "the refresh did not finish");
        qInfo().noquote() << o.message;
        QVERIFY2(!o.accepted, qPrintable(o.message));
        QVERIFY2(o.message.contains(reason), qPrintable(o.message));
        QVERIFY2(o.message.contains(QStringLiteral("version %1").arg(currentVersion)), qPrintable(o.message));
        QCOMPARE(o.catalog.version, 0);
        QCOMPARE(readAll(savePath()), before);
    }

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        hearth::test::bypassProxyForTestServer();
    }

    void newerListAcceptedAndSaved()
    {
        const int newer = bundledVersion() + 1;
        const QByteArray body = bundledWith([&](QJsonObject& root) { root["version"] = newer; });
        hearth::test::RangeServerProcess server;
        QVERIFY(serve(server, &body));
        const Outcome o = refresh(server.url("/catalog.json"), bundledVersion(), savePath());
        QVERIFY2(o.finished && o.accepted, qPrintable(o.message));
        QVERIFY2(o.message.contains(QString::number(newer)), qPrintable(o.message));
        QCOMPARE(o.catalog.version, newer);
        QCOMPARE(readAll(savePath()), body); // what the next start reads
        auto reread = parseCatalog(readAll(savePath()));
        QVERIFY(reread.ok());
        QCOMPARE(reread->models.size(), o.catalog.models.size());
    }

    // A list saved by an earlier refresh stays as it was through every failure below.
    void failuresKeepTheList_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("currentVersion");
        QTest::addColumn<QString>("reason");
        const int v = bundledVersion();
        QTest::newRow("same version") << bundledWith([](QJsonObject&) {}) << v << QString("not newer");
        QTest::newRow("older version") << bundledWith([](QJsonObject&) {}) << v + 2 << QString("not newer");
        QTest::newRow("not JSON") << QByteArray("<html>Moved</html>") << v << QString("not a JSON object");
        QTest::newRow("later schema") << bundledWith([&](QJsonObject& root) {
            root["schema"] = kCatalogSchema + 1;
            root["version"] = v + 1;
        }) << v << QString("schema %1").arg(kCatalogSchema + 1);
        QTest::newRow("implausible size") << bundledWith([&](QJsonObject& root) {
            root["version"] = v + 1;
            QJsonArray models = root["models"].toArray();
            QJsonObject model = models[0].toObject();
            QJsonArray files = model["files"].toArray();
            QJsonObject file = files[0].toObject();
            file["approxBytes"] = 1000000; // 1 MB for an 8B model
            files[0] = file;
            model["files"] = files;
            models[0] = model;
            root["models"] = models;
        }) << v << QString("plausible size");
        QTest::newRow("missing field") << bundledWith([&](QJsonObject& root) {
            root["version"] = v + 1;
            root.remove("models");
        }) << v << QString("models is empty");
        QTest::newRow("too large") << QByteArray(CatalogRefresh::kMaxBytes + 1024, ' ') << v
                                   << QString("larger than 4 MiB");
    }

    void failuresKeepTheList()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, currentVersion);
        QFETCH(QString, reason);
        const QByteArray saved = bundledWith([](QJsonObject&) {});
        QDir().mkpath(QFileInfo(savePath()).absolutePath());
        QFile f(savePath());
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(saved) == saved.size());
        f.close();
        hearth::test::RangeServerProcess server;
        QVERIFY(serve(server, &body));
        checkKept(server.url("/catalog.json"), currentVersion, reason);
        QCOMPARE(readAll(savePath()), saved);
    }

    void notFoundKeepsTheList()
    {
        hearth::test::RangeServerProcess server;
        QVERIFY(serve(server, nullptr));
        checkKept(server.url("/catalog.json"), bundledVersion(), "HTTP 404");
        QVERIFY(!QFile::exists(savePath()));
    }

    // Offline as far as this address goes: nothing listens on the port.
    void refusedConnectionKeepsTheList()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        checkKept(QUrl(QStringLiteral("http://127.0.0.1:%1/catalog.json").arg(port)), bundledVersion(),
            "connection was refused");
        QVERIFY(!QFile::exists(savePath()));
    }

    // The bundled list is one the app accepts, and the checks that guard a fetched one hold for it.
    void bundledCatalogIsPlausible()
    {
        auto catalog = parseCatalog(readAll(HEARTH_CATALOG));
        QVERIFY2(catalog.ok(), catalog.ok() ? "" : catalog.error().message.c_str());
        QVERIFY(!parseCatalog(bundledWith([](QJsonObject& root) { root.remove("schema"); })).ok());
        // Two files of one type in a model are refused (the type names the file).
        QVERIFY(!parseCatalog(bundledWith([](QJsonObject& root) {
            QJsonArray models = root["models"].toArray();
            QJsonObject model = models[0].toObject();
            QJsonArray files = model["files"].toArray();
            files.append(files[0]);
            model["files"] = files;
            models[0] = model;
            root["models"] = models;
        })).ok());
    }
};

QTEST_GUILESS_MAIN(TestCatalogRefresh)
#include "tst_catalog_refresh.moc"
