// hearth-cli tune --json (runs the built CLI): the first run tunes a shared model's kernels into the
// given cache file and says so ("cached": false, the choices, the timed trials), the second takes
// every choice from that file ("cached": true, nothing timed) and chooses the same.
#include "shared_data.h"
#include "vulkan/vulkan_backend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliTune : public QObject {
    Q_OBJECT

private slots:
    void tuneJsonThenCached();
};

namespace {

// One run of `hearth-cli tune --json` with the test's small shapes; its JSON object (empty on failure).
QJsonObject tune(const QString& cache)
{
    QProcess cli;
    cli.start(QStringLiteral(HEARTH_CLI_PATH),
        { "tune", "-m", hearth::test::testdata("models/tiny-llama31-q4_0.gguf"), "--json", "--cache", cache,
            "--context", "256", "--batch", "16", "--budget", "120" });
    if (!cli.waitForFinished(180000) || cli.exitCode() != 0) {
        qWarning("hearth-cli tune failed: %s", cli.readAllStandardError().constData());
        return {};
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(cli.readAllStandardOutput(), &error);
    if (error.error != QJsonParseError::NoError) qWarning("not JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

} // namespace

void TestCliTune::tuneJsonThenCached()
{
    if (hearth::listVulkanDevices().empty()) {
        if (!hearth::test::vulkanRequired()) QSKIP("no Vulkan device");
        QFAIL("HEARTH_REQUIRE_VULKAN=1 and no Vulkan device");
    }
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString cache = dir.filePath("tuning/kernel-tuning.txt"); // the folder is made as needed

    const QJsonObject first = tune(cache);
    QVERIFY(!first.isEmpty());
    QVERIFY(!first["device"].toString().isEmpty());
    QCOMPARE(first["cached"].toBool(true), false);
    const QJsonArray choices = first["choices"].toArray();
    QVERIFY(!choices.isEmpty());
    QVERIFY(!first["trials"].toArray().isEmpty());
    for (const QJsonValue& c : choices) {
        QVERIFY(!c["question"].toString().isEmpty());
        QVERIFY(!c["variant"].toString().isEmpty());
        QCOMPARE(c["cached"].toBool(true), false);
    }
    // Each choice is the variant its question's chosen trial names.
    for (const QJsonValue& c : choices) {
        int chosen = 0;
        for (const QJsonValue& t : first["trials"].toArray())
            if (t["question"] == c["question"] && t["chosen"].toBool()) {
                ++chosen;
                QCOMPARE(t["variant"].toString(), c["variant"].toString());
                QVERIFY(t["valid"].toBool());
            }
        QCOMPARE(chosen, 1);
    }

    const QJsonObject second = tune(cache);
    QVERIFY(!second.isEmpty());
    QCOMPARE(second["cached"].toBool(false), true);
    QVERIFY(second["trials"].toArray().isEmpty());
    QCOMPARE(second["device"].toString(), first["device"].toString());
    QCOMPARE(second["choices"].toArray().size(), choices.size());
    for (int i = 0; i < choices.size(); ++i)
        QCOMPARE(second["choices"][i]["variant"].toString(), choices[i]["variant"].toString());
}

QTEST_GUILESS_MAIN(TestCliTune)
#include "test_cli_tune.moc"
