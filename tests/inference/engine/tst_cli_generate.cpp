// hearth-cli's machine-readable `tokenize` and its `generate` against the references.
#include "shared_data.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
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
        const QStringList generate { "generate", "-m", model, "-p", ref["prompt"].toString(), "-n", "64",
            "--temp", "0", "--backend", "auto", "-t", "1" };
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

    // "auto" is one decision (hearth::decideBackend) in every subcommand: bench and generate run on
    // the same backend and device, and never on a CPU-emulated Vulkan device (lavapipe), which is
    // slower than the CPU backend.
    void autoIsTheSameBackendEverywhere()
    {
        const QString model = test::testdata("models/stories260K.gguf");
        // "auto" asks the Vulkan driver for its devices. In the sanitizer build lavapipe leaks 128 bytes
        // in that probe and is unloaded before the leak check, so the leak cannot be attributed to it
        // and suppressed like its other leaks (scripts/lsan.supp): no leak check for these two runs.
        const QString asan = qEnvironmentVariable("ASAN_OPTIONS");
        const QStringList probesDriver { "ASAN_OPTIONS=" + asan + (asan.isEmpty() ? "" : ":")
            + "detect_leaks=0" };
        int code = -1;
        QByteArray errors;
        const QByteArray bench = runCli({ "bench", "-m", model, "-p", "8", "-n", "4", "-t", "1", "--json" },
            &code, &errors, probesDriver);
        QVERIFY2(code == 0, errors.constData());
        const QJsonObject measured = QJsonDocument::fromJson(bench).object();
        runCli({ "generate", "-m", model, "-p", "Once", "-n", "4", "--temp", "0", "-t", "1" }, &code, &errors,
            probesDriver);
        QVERIFY2(code == 0, errors.constData());
        const QRegularExpressionMatch stats
            = QRegularExpression("\\[(\\w+) on ([^\\]]*)\\]").match(QString::fromUtf8(errors));
        QVERIFY2(stats.hasMatch(), errors.constData());
        QCOMPARE(measured["backend"].toString(), stats.captured(1));
        QCOMPARE(measured["device"].toString(), stats.captured(2));
        QVERIFY2(!stats.captured(2).contains("llvmpipe"), errors.constData());
    }

    // What generate says besides the text: the chat format's notice only for a conversation (a raw
    // prompt does not use it); for a chat model given a raw prompt, a pointer to --chat instead.
    void generateNoticesOnlyWhenTheyHelp()
    {
        const QString stories = test::testdata("models/stories260K.gguf");
        int code = -1;
        QByteArray errors;
        const QStringList plain { "generate", "-m", stories, "-p", "Once", "-n", "2", "--backend", "cpu" };
        const QByteArray out = runCli(plain, &code, &errors);
        QCOMPARE(code, 0);
        QVERIFY2(!errors.contains("chat template"), errors.constData());
        QVERIFY2(!errors.contains("--chat"), errors.constData());
        QVERIFY(!out.contains("chat template"));
        runCli(plain + QStringList { "--chat" }, &code, &errors);
        QCOMPARE(code, 0);
        QVERIFY2(errors.contains("The model file has no chat template"), errors.constData());

        const QString chatModel = test::testdata("models/tiny-llama31-q8_0.gguf");
        runCli({ "generate", "-m", chatModel, "-p", "Hi", "-n", "2", "--backend", "cpu" }, &code, &errors);
        QCOMPARE(code, 0);
        QVERIFY2(
            errors.contains("This is a chat model") && errors.contains("Add --chat"), errors.constData());
        runCli({ "generate", "-m", chatModel, "-p", "Hi", "-n", "2", "--backend", "cpu", "--chat" }, &code,
            &errors);
        QCOMPARE(code, 0);
        QVERIFY2(!errors.contains("--chat"), errors.constData());
    }

    // On a terminal stdout and stderr are one stream: the text ends its line before the statistics.
    void generatedTextEndsItsLineBeforeTheStatistics()
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(HEARTH_CLI_PATH,
            { "generate", "-m", test::testdata("models/stories260K.gguf"), "-p", "Once", "-n", "6", "--temp",
                "0", "--backend", "cpu", "-t", "1" });
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 0);
        const QByteArray out = process.readAll();
        const qsizetype stats = out.indexOf("[cpu on ");
        QVERIFY2(stats > 0, out.constData());
        QCOMPARE(out.at(stats - 1), '\n');
        QVERIFY(out.endsWith('\n'));
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
