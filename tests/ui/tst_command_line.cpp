// The hearth program's command line, run as a user runs it, with HOME pointed at an empty folder:
// --help and --version print and exit 0 without a display and without creating anything; an
// unknown option (a mistyped --data-dir) exits 2 with the usage and creates nothing; the default
// data folder is the README's, and a database in the old folder (~/.local/share/Hearth/hearth)
// moves there whole.
#include "appoptions.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    bool finished = false;
    QString out;
    QString err;
};

// hearth with `args`, HOME = `home` and no XDG or Hearth folders from our environment. headless: no
// display of any kind (help and version must not need one); else the offscreen platform.
Run runHearth(const QStringList& args, const QString& home, bool headless)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
             "HEARTH_DATA_DIR", "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM" })
        env.remove(name);
    env.insert("HOME", home);
    if (!headless) {
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("QT_QUICK_BACKEND", "software");
    }
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(HEARTH_APP_PATH, args);
    Run run;
    run.finished = process.waitForFinished(30000);
    if (!run.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    run.exitCode = process.exitCode();
    run.out = QString::fromLocal8Bit(process.readAllStandardOutput());
    run.err = QString::fromLocal8Bit(process.readAllStandardError());
    return run;
}

// Everything below `dir`, relative, sorted: what a run left behind.
QStringList contents(const QString& dir)
{
    QStringList found;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
        QDirIterator::Subdirectories);
    while (it.hasNext())
        found << QDir(dir).relativeFilePath(it.next());
    found.sort();
    return found;
}

// The README's word on where the data lives: "--data-dir DIR ... default `~/...`".
QString readmeDataDir()
{
    QFile readme(HEARTH_SOURCE_DIR "/README.md");
    if (!readme.open(QIODevice::ReadOnly)) return {};
    const QString text = QString::fromUtf8(readme.readAll());
    const QRegularExpression pattern("`--data-dir DIR`[^`]*default `(~/[^`]+)`");
    const QRegularExpressionMatch match = pattern.match(text);
    return match.hasMatch() ? match.captured(1) : QString();
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

} // namespace

class CommandLineTest : public QObject {
    Q_OBJECT

private slots:
    void helpAndVersionTouchNothing_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("--help") << QStringList { "--help" } << "--data-dir <DIR>";
        QTest::newRow("-h") << QStringList { "-h" } << "--no-autoload";
        QTest::newRow("--version") << QStringList { "--version" } << "hearth " HEARTH_VERSION "\n";
    }
    void helpAndVersionTouchNothing()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const Run run = runHearth(args, home.path(), true);
        QVERIFY2(run.finished, "still running: it started the app");
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(expected), qPrintable(run.out + run.err));
        QCOMPARE(contents(home.path()), QStringList());
    }

    void unknownOptionTouchesNothing()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString meant = home.filePath("elsewhere");
        const Run run
            = runHearth({ "--data-dri", meant, "--no-autoload", "--exit-when-ready" }, home.path(), false);
        QVERIFY2(run.finished, "still running: it started the app");
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("data-dri"), qPrintable(run.err));
        QVERIFY2(run.err.contains("--data-dir <DIR>"), qPrintable(run.err)); // the usage
        QCOMPARE(contents(home.path()), QStringList());
    }

    void defaultDataDirIsTheReadmes()
    {
        const QString documented = readmeDataDir();
        QVERIFY2(!documented.isEmpty(), "README.md names no default for --data-dir");
        QTemporaryDir home;
        QVERIFY(home.isValid());
        // The real program, started as a user starts it (no model, so no engine work), then closed.
        const Run run = runHearth({ "--no-autoload", "--exit-when-ready" }, home.path(), false);
        QVERIFY2(run.finished, "did not exit when ready");
        QCOMPARE(run.exitCode, 0);
        const QString expected = QString(documented).replace(0, 1, home.path());
        QVERIFY2(QFileInfo(expected).isDir(), qPrintable(contents(home.path()).join(", ")));
        QVERIFY2(!QFileInfo::exists(home.filePath(".local/share/Hearth")),
            qPrintable(contents(home.path()).join(", ")));
    }

    void oldDataFolderMovesWhole()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QByteArray oldHome = qgetenv("HOME"), oldXdg = qgetenv("XDG_DATA_HOME");
        qputenv("HOME", home.path().toLocal8Bit());
        qunsetenv("XDG_DATA_HOME");
        const QString before = home.filePath(".local/share/Hearth/hearth");
        writeFile(before + "/hearth.sqlite", "database");
        writeFile(before + "/hearth.sqlite-wal", "journal"); // committed turns not yet checkpointed
        const QString dir = AppOptions::defaultDataDir();
        const QStringList left = contents(home.path());
        // A folder that already holds a database is never replaced by an old one.
        writeFile(home.filePath(".local/share/Hearth/hearth/hearth.sqlite"), "older");
        const QString again = AppOptions::defaultDataDir();
        qputenv("HOME", oldHome);
        if (!oldXdg.isEmpty()) qputenv("XDG_DATA_HOME", oldXdg);

        QCOMPARE(dir, home.filePath(".local/share/hearth"));
        QCOMPARE(left,
            (QStringList { ".local", ".local/share", ".local/share/hearth",
                ".local/share/hearth/hearth.sqlite", ".local/share/hearth/hearth.sqlite-wal" }));
        QFile moved(dir + "/hearth.sqlite-wal");
        QVERIFY(moved.open(QIODevice::ReadOnly));
        QCOMPARE(moved.readAll(), QByteArray("journal"));
        QCOMPARE(again, dir);
        QFile kept(dir + "/hearth.sqlite");
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("database"));
    }
};

QTEST_GUILESS_MAIN(CommandLineTest)
#include "tst_command_line.moc"
