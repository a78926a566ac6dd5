// hearth-cli's machine-readable `tokenize` and its `generate` against the references.
#include "shared_data.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using namespace hearth;

namespace {

// stdout of `hearth-cli args`; its stderr into *errors, with `environment` added to ours.
QByteArray runCli(const QStringList& args, int* exitCode = nullptr, QByteArray* errors = nullptr,
    const QStringList& environment = {})
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& setting : environment)
        env.insert(setting.section('=', 0, 0), setting.section('=', 1));
    process.setProcessEnvironment(env);
    process.start(HEARTH_CLI_PATH, args);
    if (!process.waitForFinished(120000)) return "timeout";
    if (exitCode) *exitCode = process.exitCode();
    if (errors) *errors = process.readAllStandardError();
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

    // A machine without the Vulkan loader (no GPU driver installed): the CLI starts (the loader is
    // opened at run time, not linked), says why the GPU is not used and what to install, and runs on
    // the CPU; asking for Vulkan outright is a clear error.
    void missingVulkanLoaderRunsOnCpu()
    {
        const QStringList noLoader { "HEARTH_VULKAN_LOADER=/nonexistent/libvulkan.so.1" };
        const QJsonObject ref
            = QJsonDocument::fromJson(test::readFile(test::testdata("reference/llamacpp/stories260K.json")))
                  .object();
        const QString model = test::testdata("models/stories260K.gguf");
        int code = -1;
        QByteArray errors;
        const QStringList generate { "generate", "-m", model, "-p", ref["prompt"].toString(), "-n", "64", "--temp",
            "0", "--backend", "auto", "-t", "1" };
        const QByteArray out = runCli(generate, &code, &errors, noLoader);
        QCOMPARE(code, 0);
        QCOMPARE(QString::fromUtf8(out), ref["prompt"].toString() + ref["greedy_text"].toString() + "\n");
        QVERIFY2(errors.contains("Vulkan is not installed"), errors.constData());
        QVERIFY2(errors.contains("libvulkan1"), errors.constData()); // what to install
        QVERIFY2(errors.contains("[cpu on cpu"), errors.constData());

        const QStringList onVulkan { "generate", "-m", model, "-p", "x", "-n", "1", "--backend", "vulkan" };
        runCli(onVulkan, &code, &errors, noLoader);
        QCOMPARE(code, 1);
        QVERIFY2(errors.contains("Vulkan is not installed"), errors.constData());

        const QByteArray devices = runCli({ "devices" }, &code, &errors, noLoader);
        QCOMPARE(code, 0);
        QVERIFY2(devices.contains("no Vulkan device: Vulkan is not installed"), devices.constData());
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
