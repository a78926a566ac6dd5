// `hearth-cli template` prints jinja2's render byte for byte, and fails with the template's message.
#include "shared_data.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace hearth;

namespace {

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

CliResult runCli(const QStringList& args)
{
    QProcess process;
    process.start(HEARTH_CLI_PATH, args);
    CliResult result;
    if (!process.waitForFinished(60000)) return result;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

// conversations.json's `name` as a CONV.json file in `dir`.
QString conversationFile(const QTemporaryDir& dir, const QString& conversations, const QString& name)
{
    const QJsonObject all = QJsonDocument::fromJson(test::readFile(conversations)).object();
    const QString path = dir.filePath(name + ".json");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return {};
    file.write(QJsonDocument(QJsonObject { { "messages", all[name] } }).toJson());
    return path;
}

} // namespace

class TestCliTemplate : public QObject {
    Q_OBJECT

private slots:
    void rendersAsJinja2_data()
    {
        QTest::addColumn<QString>("stem");
        QTest::addColumn<QString>("conversation");
        QTest::addColumn<bool>("generation");
        QTest::newRow("qwen multi-turn") << "Qwen-Qwen2.5-7B-Instruct"
                                         << "multi-turn" << true;
        QTest::newRow("deepseek unicode nogen") << "deepseek-ai-DeepSeek-R1-Distill-Llama-8B"
                                                << "assistant-unicode" << false;
        QTest::newRow("command-r7b system") << "CohereForAI-c4ai-command-r7b-12-2024-tool_use"
                                            << "system-user" << true;
        QTest::newRow("llama 3.2 strftime") << "meta-llama-Llama-3.2-3B-Instruct"
                                            << "whitespace" << true;
    }
    void rendersAsJinja2()
    {
        QFETCH(QString, stem);
        QFETCH(QString, conversation);
        QFETCH(bool, generation);
        QTemporaryDir dir;
        const QString conv
            = conversationFile(dir, test::testdata("templates/conversations.json"), conversation);
        const QJsonObject info
            = QJsonDocument::fromJson(test::readFile(test::testdata("templates/rendered-models/index.json")))
                  .object()["templates"]
                  .toObject()[stem]
                  .toObject();
        QStringList args { "template", "--template", test::testdata("templates/models/" + stem + ".jinja"),
            "--conversation", conv, "--date", "2024-07-26" };
        if (!generation) args << "--no-generation-prompt";
        if (!info["bos_token"].isNull()) args << "--bos" << info["bos_token"].toString();
        if (!info["eos_token"].isNull()) args << "--eos" << info["eos_token"].toString();
        const CliResult r = runCli(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray expected = test::readFile(test::testdata("templates/rendered-models/" + stem + "/"
            + conversation + (generation ? ".gen" : ".nogen") + ".txt"));
        QVERIFY(!expected.isEmpty());
        QCOMPARE(r.out, expected);
    }

    // -m: the template, bos_token and eos_token come from the GGUF (the tiny model carries Llama 3.1's).
    void fromModelFile()
    {
        QTemporaryDir dir;
        const QString conv = conversationFile(
            dir, test::testdata("templates/rendered/conversations.json"), "user-typed-special");
        const CliResult r = runCli({ "template", "-m", test::testdata("models/tiny-llama31-f32.gguf"),
            "--conversation", conv, "--date", "2024-07-26" });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out,
            test::readFile(test::testdata(
                "templates/rendered/meta-llama-Llama-3.1-8B-Instruct.user-typed-special.txt")));
    }

    void failsWithTheTemplatesMessage()
    {
        QTemporaryDir dir;
        const QString conv
            = conversationFile(dir, test::testdata("templates/conversations.json"), "system-user");
        const CliResult raised = runCli({ "template", "--template",
            test::testdata("templates/models/google-gemma-2-2b-it.jinja"), "--conversation", conv });
        QCOMPARE(raised.exitCode, 1);
        QVERIFY(raised.out.isEmpty());
        QCOMPARE(raised.err, QByteArray("template: TemplateError: System role not supported\n"));

        const QString broken = dir.filePath("broken.jinja");
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{% for m in messages %}{{ m.content }");
        file.close();
        const CliResult syntax = runCli({ "template", "--template", broken, "--conversation", conv });
        QCOMPARE(syntax.exitCode, 1);
        QVERIFY2(syntax.err.startsWith("template: TemplateSyntaxError: "), syntax.err.constData());

        const CliResult usage = runCli({ "template", "--conversation", conv });
        QCOMPARE(usage.exitCode, 2);
        QVERIFY(usage.err.startsWith("usage: hearth-cli template"));
    }
};

QTEST_GUILESS_MAIN(TestCliTemplate)
#include "tst_cli_template.moc"
