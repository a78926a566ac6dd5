// Downloads against a real HTTP server on 127.0.0.1 (range_server.py, Python's http.server) serving
// the shared tiny-llama31-q4_0.gguf, with the size and sha256 its fake Hub listing gives (hashlib):
// a complete download verified byte for byte; a connection cut mid-file and resumed with a Range
// request (the server counts the bytes it sent: none twice); a server that ignores Range (the part is
// emptied, not appended to); a wrong sha256 (rejected, nothing kept); a 404 and a refused
// connection (said plainly); several downloads at once; a restart mid-download (a new manager over the
// same folder lists the part as paused, sends nothing until resumed, then resumes); a full disk (a
// 3 MiB tmpfs in a mount namespace of a child process): reported, the part kept, the space checked
// before resuming, and the download completed once there is room. And the bundled catalog parses.
#include "catalog.h"
#include "downloadmanager.h"
#include "hubfiles.h"
#include "modelsfolder.h"
#include "partfile.h"
#include "range_server.h"
#include "shared_data.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QStorageInfo>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <memory>

using namespace hearth::download;

namespace {

const char* kRepo = "test-owner/Tiny-GGUF";
const char* kFile = "tiny-llama31-q4_0.gguf";
const char* kSecondFile = "tiny-llama31-q8_0.gguf";

QString sourceOf(const QString& file)
{
    return hearth::test::testdata("models/" + file);
}

// range_server.py serving the two test models, with the given misbehaviour.
class RangeServer : public hearth::test::RangeServerProcess {
public:
    bool start(const QStringList& flags)
    {
        QStringList args { "--repo", kRepo };
        for (const char* f : { kFile, kSecondFile })
            args << "--file" << QString(f) + "=" + sourceOf(f);
        return RangeServerProcess::start(args + flags);
    }
};

int freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The latest status the manager announced for `file`.
struct Watch {
    explicit Watch(DownloadManager& manager)
    {
        QObject::connect(&manager, &DownloadManager::changed, [this](const DownloadStatus& s) {
            last[s.file] = s;
            if (s.state == DownloadState::Downloading && s.bytes > 0) seenDownloading[s.file] = true;
            int downloading = 0;
            for (const DownloadStatus& each : std::as_const(last))
                downloading += each.state == DownloadState::Downloading ? 1 : 0;
            mostAtOnce = qMax(mostAtOnce, downloading);
        });
    }
    DownloadState state(const QString& file) const { return last.value(file).state; }
    bool settled(const QString& file) const
    {
        const DownloadState s = state(file);
        return last.contains(file) && (s == DownloadState::Done || s == DownloadState::Failed);
    }
    QHash<QString, DownloadStatus> last;
    QHash<QString, bool> seenDownloading;
    int mostAtOnce = 0;
};

// The full-disk case, run in a child process inside its own mount namespace with `dir` a 3 MiB
// tmpfs. Returns 0 when every check holds; prints what failed otherwise.
int fullDiskChild(const QString& dir)
{
    auto check = [](bool ok, const char* what) {
        if (!ok) std::fprintf(stderr, "full disk: %s\n", what);
        return ok;
    };
    RangeServer server;
    if (!check(server.start({ "--throttle", "1000000" }), "the server did not start")) return 1;
    const QString folder = dir + "/models";
    DownloadManager manager(folder);
    manager.setHubUrl(server.url());
    Watch watch(manager);
    manager.start(kRepo, kFile, {});
    // Fill the disk once the first half megabyte is written.
    QDeadlineTimer deadline(30000);
    while (watch.last.value(kFile).bytes < 500000 && !watch.settled(kFile) && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const QString fillerPath = dir + "/filler";
    {
        QFile filler(fillerPath);
        filler.open(QIODevice::WriteOnly);
        const QByteArray block(64 * 1024, 'x');
        while (filler.write(block) == block.size()) { }
    }
    while (!watch.settled(kFile) && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    DownloadStatus s = watch.last.value(kFile);
    bool ok = check(s.state == DownloadState::Failed, "a full disk did not fail the download");
    ok &= check(s.error.contains("No space left on device") && s.error.contains("kept"),
        "the message does not say the disk is full and the part is kept");
    ok &= check(s.partKept && s.bytes > 0 && QFileInfo(partPath(folder, kFile)).size() == s.bytes,
        "the part on the disk is not the bytes reported");
    std::fprintf(stderr, "full disk: %s\n", qPrintable(s.error));
    // Resuming while the disk is still full is refused before anything is asked for.
    const int requestsBefore = server.stats().value("requests").toArray().size();
    manager.resume(kFile);
    s = watch.last.value(kFile);
    ok &= check(s.state == DownloadState::Failed && s.error.contains("Not enough disk space"),
        "resuming on a full disk was not refused by the space check");
    ok &= check(server.stats().value("requests").toArray().size() == requestsBefore,
        "the space check let a request through");
    std::fprintf(stderr, "full disk, resume: %s\n", qPrintable(s.error));
    // With room again, the download completes from the part and is verified.
    QFile::remove(fillerPath);
    manager.resume(kFile);
    deadline = QDeadlineTimer(30000);
    while (watch.state(kFile) != DownloadState::Done && !deadline.hasExpired()
        && watch.last.value(kFile).error.isEmpty())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    ok &= check(
        watch.state(kFile) == DownloadState::Done, "the download did not complete after space was freed");
    ok &= check(readAll(folder + "/" + kFile) == readAll(sourceOf(kFile)), "the completed file differs");
    return ok ? 0 : 1;
}

} // namespace

class TestDownload : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString folder() const { return m_dir->filePath("models"); }

    // Runs until `file` is Done or Failed.
    static bool settle(Watch& watch, const QString& file, int ms = 30000)
    {
        QDeadlineTimer deadline(ms);
        while (!watch.settled(file) && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        return watch.settled(file);
    }

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        hearth::test::bypassProxyForTestServer();
    }

    void catalogParses()
    {
        auto catalog = parseCatalog(readAll(HEARTH_CATALOG));
        QVERIFY2(catalog.ok(), catalog.ok() ? "" : catalog.error().message.c_str());
        QVERIFY(catalog->version >= 1);
        QVERIFY(catalog->models.size() >= 5);
        QVERIFY(!catalog->recommended.isEmpty());
        for (const CatalogModel& m : catalog->models)
            for (const CatalogFile& f : m.files)
                QVERIFY2(f.file.contains(f.type), qPrintable(f.file + " does not name its type " + f.type));
        QVERIFY(!parseCatalog("{\"version\": 1, \"models\": [{\"id\": \"x\"}]}").ok());
        QVERIFY(!parseCatalog("not json").ok());
    }

    void completeDownloadVerified()
    {
        RangeServer server;
        QVERIFY(server.start({}));
        DownloadManager manager(folder());
        manager.setHubUrl(server.url());
        Watch watch(manager);
        manager.start(kRepo, kFile, "tiny/Q4_0");
        QVERIFY(settle(watch, kFile));
        const DownloadStatus s = watch.last.value(kFile);
        QVERIFY2(s.state == DownloadState::Done, qPrintable(s.error));
        QCOMPARE(s.path, QDir(folder()).filePath(kFile));
        QCOMPARE(readAll(s.path), readAll(sourceOf(kFile)));
        QCOMPARE(s.total, QFileInfo(sourceOf(kFile)).size());
        QVERIFY(!QFile::exists(partPath(folder(), kFile)));
        QVERIFY(!QFile::exists(sidecarPath(folder(), kFile)));
        QCOMPARE(listModels(folder()).size(), 1);
    }

    void cutMidFileResumes()
    {
        RangeServer server;
        QVERIFY(server.start({ "--cut-after", "1000000" }));
        DownloadManager manager(folder());
        manager.setHubUrl(server.url());
        Watch watch(manager);
        manager.start(kRepo, kFile, {});
        QVERIFY(settle(watch, kFile));
        DownloadStatus s = watch.last.value(kFile);
        QCOMPARE(s.state, DownloadState::Failed);
        QVERIFY(s.partKept);
        QCOMPARE(s.bytes, qint64(1000000));
        QCOMPARE(QFileInfo(partPath(folder(), kFile)).size(), qint64(1000000));
        QVERIFY2(s.error.contains("press Resume"), qPrintable(s.error));
        manager.resume(kFile);
        QTRY_VERIFY_WITH_TIMEOUT(watch.state(kFile) != DownloadState::Failed, 5000);
        QVERIFY(settle(watch, kFile));
        s = watch.last.value(kFile);
        QVERIFY2(s.state == DownloadState::Done, qPrintable(s.error));
        QCOMPARE(readAll(s.path), readAll(sourceOf(kFile)));
        // The second request asked for the rest, and no byte was sent twice.
        const QJsonObject stats = server.stats();
        const qint64 size = QFileInfo(sourceOf(kFile)).size();
        QCOMPARE(stats.value("requests").toArray().last().toString(), QString("bytes=1000000-"));
        QCOMPARE(qint64(stats.value("bodyBytes").toDouble()), size);
        QCOMPARE(s.fetched, size);
    }

    void serverIgnoringRangeRestarts()
    {
        RangeServer server;
        QVERIFY(server.start({ "--cut-after", "1000000", "--ignore-range" }));
        DownloadManager manager(folder());
        manager.setHubUrl(server.url());
        Watch watch(manager);
        manager.start(kRepo, kFile, {});
        QVERIFY(settle(watch, kFile));
        QCOMPARE(watch.state(kFile), DownloadState::Failed);
        manager.resume(kFile);
        QTRY_VERIFY_WITH_TIMEOUT(watch.state(kFile) != DownloadState::Failed, 5000);
        QVERIFY(settle(watch, kFile));
        const DownloadStatus s = watch.last.value(kFile);
        QVERIFY2(s.state == DownloadState::Done, qPrintable(s.error));
        QCOMPARE(readAll(s.path), readAll(sourceOf(kFile)));
        const qint64 size = QFileInfo(sourceOf(kFile)).size();
        QCOMPARE(server.stats().value("requests").toArray().last().toString(), QString("bytes=1000000-"));
        QCOMPARE(qint64(server.stats().value("bodyBytes").toDouble()), 1000000 + size);
    }

    void wrongSha256Rejected()
    {
        RangeServer server;
        QVERIFY(server.start({ "--wrong-sha" }));
        DownloadManager manager(folder());
        manager.setHubUrl(server.url());
        Watch watch(manager);
        manager.start(kRepo, kFile, {});
        QVERIFY(settle(watch, kFile));
        const DownloadStatus s = watch.last.value(kFile);
        QCOMPARE(s.state, DownloadState::Failed);
        QVERIFY2(s.error.contains("sha256") && s.error.contains("deleted"), qPrintable(s.error));
        QVERIFY(!s.partKept);
        QVERIFY(QDir(folder()).entryList(QDir::Files).isEmpty()); // nothing half-trusted is left
    }

    void notFoundReported()
    {
        RangeServer server;
        QVERIFY(server.start({ "--missing" }));
        DownloadManager manager(folder());
        manager.setHubUrl(server.url());
        Watch watch(manager);
        manager.start(kRepo, kFile, {});
        QVERIFY(settle(watch, kFile));
        const DownloadStatus s = watch.last.value(kFile);
        QCOMPARE(s.state, DownloadState::Failed);
        QVERIFY2(s.error.contains("HTTP 404") && s.error.contains(kFile), qPrintable(s.error));
        // A file the listing does not have is said so too.
        manager.start(kRepo, "not-there.gguf", {});
        QVERIFY(settle(watch, "not-there.gguf"));
        QVERIFY2(watch.last.value("not-there.gguf").error.contains("not in the repository"),
            qPrintable(watch.last.value("not-there.gguf").error));
    }

    void refusedConnectionReported()
    {
        DownloadManager manager(folder());
        manager.setHubUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(freePort())));
        Watch watch(manager);
        manager.start(kRepo, kFile, {});
        QVERIFY(settle(watch, kFile));
        const DownloadStatus s = watch.last.value(kFile);
        QCOMPARE(s.state, DownloadState::Failed);
        QVERIFY2(
            s.error.contains("connection was refused") && s.error.contains("127.0.0.1"), qPrintable(s.error));
    }

    void severalAtOnce()
    {
        RangeServer server;
        QVERIFY(server.start({ "--throttle", "2000000" }));
        DownloadManager manager(folder());
        manager.setHubUrl(server.url());
        Watch watch(manager);
        manager.start(kRepo, kFile, {});
        manager.start(kRepo, kSecondFile, {});
        QVERIFY(settle(watch, kFile));
        QVERIFY(settle(watch, kSecondFile));
        QCOMPARE(watch.mostAtOnce, 2);
        for (const char* f : { kFile, kSecondFile }) {
            QVERIFY2(watch.state(f) == DownloadState::Done, qPrintable(watch.last.value(f).error));
            QCOMPARE(readAll(QDir(folder()).filePath(f)), readAll(sourceOf(f)));
        }
        const DownloadStatus s = watch.last.value(kFile);
        QCOMPARE(s.secondsLeft, qint64(0));
    }

    void pauseAndResume()
    {
        RangeServer server;
        QVERIFY(server.start({ "--throttle", "1000000" }));
        DownloadManager manager(folder());
        manager.setHubUrl(server.url());
        Watch watch(manager);
        manager.start(kRepo, kFile, {});
        QTRY_VERIFY_WITH_TIMEOUT(watch.last.value(kFile).bytes > 300000, 10000);
        manager.pause(kFile);
        DownloadStatus s = watch.last.value(kFile);
        QCOMPARE(s.state, DownloadState::Paused);
        QVERIFY(s.bytesPerSecond == 0 && s.bytes > 0);
        QCOMPARE(QFileInfo(partPath(folder(), kFile)).size(), s.bytes);
        manager.resume(kFile);
        QVERIFY(settle(watch, kFile));
        QVERIFY2(watch.state(kFile) == DownloadState::Done, qPrintable(watch.last.value(kFile).error));
        QCOMPARE(readAll(QDir(folder()).filePath(kFile)), readAll(sourceOf(kFile)));
        QCOMPARE(server.stats().value("requests").toArray().last().toString(),
            "bytes=" + QString::number(s.bytes) + "-");
    }

    void restartMidDownloadResumes()
    {
        RangeServer server;
        QVERIFY(server.start({ "--throttle", "1000000" }));
        qint64 bytesAtQuit = 0;
        {
            DownloadManager first(folder());
            first.setHubUrl(server.url());
            Watch watch(first);
            first.start(kRepo, kFile, {});
            QTRY_VERIFY_WITH_TIMEOUT(watch.last.value(kFile).bytes > 300000, 10000);
        } // the app quits mid-download
        bytesAtQuit = QFileInfo(partPath(folder(), kFile)).size();
        QVERIFY(bytesAtQuit > 300000);
        QVERIFY(readSidecar(sidecarPath(folder(), kFile)).ok());
        const int requestsBefore = server.stats().value("requests").toArray().size();

        // The next run lists it as paused and asks for nothing until told to resume.
        DownloadManager second(folder());
        second.setHubUrl(server.url());
        Watch watch(second);
        second.restore();
        QCOMPARE(second.downloads().size(), 1);
        QCOMPARE(watch.state(kFile), DownloadState::Paused);
        QCOMPARE(watch.last.value(kFile).bytes, bytesAtQuit);
        QTest::qWait(300);
        QCOMPARE(server.stats().value("requests").toArray().size(), requestsBefore);
        second.resume(kFile);
        QVERIFY(settle(watch, kFile));
        const DownloadStatus s = watch.last.value(kFile);
        QVERIFY2(s.state == DownloadState::Done, qPrintable(s.error));
        QCOMPARE(readAll(s.path), readAll(sourceOf(kFile)));
        QCOMPARE(server.stats().value("requests").toArray().last().toString(),
            "bytes=" + QString::number(bytesAtQuit) + "-");
        QCOMPARE(s.fetched, QFileInfo(sourceOf(kFile)).size() - bytesAtQuit);
    }

    void cancelDeletesThePart()
    {
        RangeServer server;
        QVERIFY(server.start({ "--throttle", "1000000" }));
        DownloadManager manager(folder());
        manager.setHubUrl(server.url());
        Watch watch(manager);
        QSignalSpy removed(&manager, &DownloadManager::removed);
        manager.start(kRepo, kFile, {});
        QTRY_VERIFY_WITH_TIMEOUT(watch.last.value(kFile).bytes > 100000, 10000);
        manager.cancel(kFile);
        QCOMPARE(removed.size(), 1);
        QVERIFY(manager.downloads().isEmpty());
        QVERIFY(QDir(folder()).entryList(QDir::Files).isEmpty());
    }

    // A 3 MiB tmpfs, mounted in a mount namespace of a child process (unshare), filled mid-download.
    void fullDiskReported()
    {
        QTemporaryDir mountPoint;
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedChannels);
        const QString script = QStringLiteral(
            "mount -t tmpfs -o size=3m tmpfs \"$1\" && exec \"$2\" --full-disk-child \"$1\"");
        child.start("unshare",
            { "-rm", "sh", "-c", script, "sh", mountPoint.path(), QCoreApplication::applicationFilePath() });
        QVERIFY(child.waitForFinished(90000));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);
    }

    void addAndRemoveLocalModels()
    {
        auto copied = addModel(folder(), sourceOf(kFile), AddMode::Copy);
        QVERIFY(copied.ok());
        QCOMPARE(readAll(*copied), readAll(sourceOf(kFile)));
        auto linked = addModel(folder(), sourceOf(kSecondFile), AddMode::Link);
        QVERIFY(linked.ok());
        QVERIFY(!addModel(folder(), sourceOf(kFile), AddMode::Copy).ok()); // already there
        const QList<LocalModel> models = listModels(folder());
        QCOMPARE(models.size(), 2);
        QVERIFY(models[1].link);
        QCOMPARE(models[1].bytes, QFileInfo(sourceOf(kSecondFile)).size());
        QVERIFY(!removeModel(folder(), sourceOf(kFile)).ok()); // not in the folder: refused
        QVERIFY(removeModel(folder(), *linked).ok());
        QVERIFY(QFile::exists(sourceOf(kSecondFile))); // the link went, not its target
        QCOMPARE(listModels(folder()).size(), 1);
    }
};

int main(int argc, char** argv)
{
    if (argc == 3 && std::strcmp(argv[1], "--full-disk-child") == 0) {
        QCoreApplication app(argc, argv);
        qunsetenv("http_proxy");
        return fullDiskChild(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    TestDownload test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_download.moc"
