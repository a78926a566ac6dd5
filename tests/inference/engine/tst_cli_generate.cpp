// hearth-cli's machine-readable `tokenize` and its `generate` against the references.
#include "shared_data.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using namespace hearth;

namespace {

QByteArray runCli(const QStringList& args, int* exitCode = nullptr)
{
    QProcess process;
    process.start(HEARTH_CLI_PATH, args);
    if (!process.waitForFinished(120000)) return "timeout";
    if (exitCode) *exitCode = process.exitCode();
    return process.readAllStandardOutput();
}

} // namespace

class TestCliGenerate : public QObject {
    Q_OBJECT

private slots:
    void tokenizeMatchesVector()
    {
        // Vector 9 of llama-bpe: "Hello world" -> 9906 1917.
        int code = -1;
        const QByteArray out = runCli(
            { "tokenize", "-m", test::testdata("tokenizer/llama31-vocab.gguf"), "Hello world" }, &code);
        QCOMPARE(code, 0);
        QCOMPARE(out, QByteArray("9906 1917\n"));
        const QByteArray lines = test::readFile(test::testdata("tokenizer/llama-bpe.out"));
        QVERIFY(lines.split('\n').contains(QByteArray(" 9906 1917")));
    }

    void tokenizeFileWithBosAndSpecial()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("Hello world<|eot_id|>");
        file.close();
        const QString vocab = test::testdata("tokenizer/llama31-vocab.gguf");
        QCOMPARE(runCli({ "tokenize", "-m", vocab, "--bos", "--special", "-f", file.fileName() }),
            QByteArray("128000 9906 1917 128009\n"));
        // Without --special the typed token is plain text.
        QVERIFY(!runCli({ "tokenize", "-m", vocab, "-f", file.fileName() }).contains("128009"));
    }

    void generateStoriesReference()
    {
        const QJsonObject ref
            = QJsonDocument::fromJson(test::readFile(test::testdata("reference/llamacpp/stories260K.json")))
                  .object();
        int code = -1;
        const QByteArray out
            = runCli({ "generate", "-m", test::testdata("models/stories260K.gguf"), "-p",
                         ref["prompt"].toString(), "-n", "64", "--temp", "0", "--backend", "cpu", "-t", "1" },
                &code);
        QCOMPARE(code, 0);
        // The prompt is echoed, then the continuation.
        QCOMPARE(QString::fromUtf8(out), ref["prompt"].toString() + ref["greedy_text"].toString() + "\n");
    }

    void badArguments()
    {
        int code = -1;
        runCli({ "generate", "-m", test::testdata("models/stories260K.gguf") }, &code);
        QCOMPARE(code, 2);
        runCli({ "generate", "-m", "/nonexistent.gguf", "-p", "x" }, &code);
        QCOMPARE(code, 1);
        runCli({ "generate", "-m", test::testdata("models/stories260K.gguf"), "-p", "x", "--temp", "warm" },
            &code);
        QCOMPARE(code, 2);
    }
};

QTEST_APPLESS_MAIN(TestCliGenerate)
#include "tst_cli_generate.moc"
