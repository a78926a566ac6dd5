// End to end: `hearth-cli summarize` on a generated multi-part document with the bundled model
// (stories260K): progress on stderr, the summary on stdout, every part and the combining step run;
// Ctrl-C (SIGINT) during the run keeps what was done; bad input fails with the extractor's message.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

namespace {

const QString kCli = QStringLiteral(HEARTH_CLI_PATH);
const QString kModel = QStringLiteral(HEARTH_SOURCE_DIR "/resources/models/stories260K.gguf");

// ~60 short paragraphs: several parts at a 512-token context.
QByteArray storyText(int paragraphs)
{
    const char* names[] = { "Lily", "Tom", "Sam", "Mia", "Ben" };
    const char* things[] = { "ball", "cat", "tree", "boat", "cake", "dog", "park" };
    QByteArray text;
    for (int p = 0; p < paragraphs; ++p) {
        for (int s = 0; s < 5; ++s)
            text += QByteArray(names[(p + s) % 5]) + " saw a big " + things[(p * 3 + s) % 7]
                + " and was very happy. ";
        text += "\n\n";
    }
    return text;
}

// Small context, short answers and one thread: a few seconds for the whole map-reduce run.
QStringList quickArgs(const QString& file)
{
    return { "summarize", file, "-m", kModel, "--context", "512", "--max-tokens", "24", "--threads", "1",
        "--backend", "cpu" };
}

} // namespace

class SummarizeCliTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void summarizesMultiPartDocument()
    {
        const QString file = m_dir.filePath("story.txt");
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(storyText(12));
        out.close();

        QProcess cli;
        cli.start(kCli, quickArgs(file));
        QVERIFY(cli.waitForFinished(120000));
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        const QString summary = QString::fromUtf8(cli.readAllStandardOutput()).trimmed();
        QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0, qPrintable(err));
        // Progress: each part announced and finished, then the combining level, with speed and time left.
        QVERIFY2(err.contains("summarizing part 1 of "), qPrintable(err));
        QVERIFY(err.contains("done part 2 of "));
        QVERIFY(err.contains("combining 1 of 1 (level 1)"));
        QVERIFY(err.contains(" tok/s · ~"));
        static const QRegularExpression totals(
            QStringLiteral("(\\d+) part\\(s\\), (\\d+) level\\(s\\), (\\d+) model call\\(s\\)"));
        const auto match = totals.match(err);
        QVERIFY2(match.hasMatch(), qPrintable(err));
        QVERIFY(match.captured(1).toInt() >= 2);
        QVERIFY(match.captured(2).toInt() >= 2);
        QCOMPARE(match.captured(3).toInt(), match.captured(1).toInt() + 1);
        QVERIFY2(!summary.isEmpty(), "no summary on stdout");
    }

    void interruptKeepsWhatWasDone()
    {
        const QString file = m_dir.filePath("long.txt");
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(storyText(80));
        out.close();

        QProcess cli;
        cli.start(kCli, quickArgs(file));
        QVERIFY(cli.waitForStarted());
        // Wait until the first part is done, then press Ctrl-C.
        QByteArray err;
        QElapsedTimer timer;
        timer.start();
        while (!err.contains("done part 1 of") && timer.elapsed() < 60000) {
            cli.waitForReadyRead(200);
            err += cli.readAllStandardError();
        }
        QVERIFY2(err.contains("done part 1 of"), err.constData());
        ::kill(pid_t(cli.processId()), SIGINT);
        QVERIFY(cli.waitForFinished(60000));
        err += cli.readAllStandardError();
        QCOMPARE(cli.exitCode(), 130);
        QVERIFY2(err.contains("cancelled: what was done covers parts 1–"), err.constData());
        QVERIFY(!cli.readAllStandardOutput().trimmed().isEmpty());
    }

    void badInputFailsClearly()
    {
        const QString file = m_dir.filePath("empty.txt");
        QFile(file).open(QIODevice::WriteOnly);
        QProcess cli;
        cli.start(kCli, quickArgs(file));
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY(QString::fromUtf8(cli.readAllStandardError()).contains("the file is empty"));
    }
};

QTEST_GUILESS_MAIN(SummarizeCliTest)
#include "test_summarize_cli.moc"
