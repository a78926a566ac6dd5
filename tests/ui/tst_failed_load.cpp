// A load that fails, end to end: the real window (offscreen), the real hearth-engine and the bundled
// stories260K model, then a copy of it cut short as an interrupted download leaves it. The model
// that was loaded stays loaded and still answers; the failure is shown once, in words that say the
// file is probably an incomplete download. Saves <build>/screenshots/hearth-failed-load.png.
#include "chatcontroller.h"
#include "chatstore.h"
#include "engineclient.h"
#include "modelcontroller.h"
#include "settingscontroller.h"

#include <QDir>
#include <QFile>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

namespace {

const QString kHint = QStringLiteral("probably an incomplete download");

QString bundledModel()
{
    return QStringLiteral(HEARTH_SOURCE_DIR "/resources/models/stories260K.gguf");
}

// The first `fraction` of a good model file, as a download that stopped leaves it.
QString truncatedCopy(const QString& dir, double fraction)
{
    QFile good(bundledModel());
    if (!good.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = good.readAll();
    const QString path = QDir(dir).filePath("Llama-3.1-8B-Instruct-Q4_K_M.gguf");
    QFile cut(path);
    if (!cut.open(QIODevice::WriteOnly)) return {};
    cut.write(bytes.left(qsizetype(double(bytes.size()) * fraction)));
    return path;
}

// Visible items in the window that show `needle` (as text, or as a field's placeholder).
int timesShown(QQuickItem* item, const QString& needle)
{
    int count = 0;
    if (item->isVisible() && item->opacity() > 0) {
        for (const char* property : { "text", "placeholderText" }) {
            const QVariant value = item->property(property);
            if (value.isValid() && value.toString().contains(needle)) ++count;
        }
    }
    for (QQuickItem* child : item->childItems())
        count += timesShown(child, needle);
    return count;
}

} // namespace

class FailedLoadTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void failedLoadKeepsTheModelAndSaysWhyOnce()
    {
        QVERIFY(m_dir.isValid());
        const QString broken = truncatedCopy(m_dir.path(), 0.4);
        QVERIFY(!broken.isEmpty());
        QQmlApplicationEngine engine;
        engine.addImportPath("qrc:/");
        engine.setProperty("hearthArguments",
            QStringList { "hearth", "--data-dir", m_dir.filePath("data"), "--engine", HEARTH_ENGINE_PATH,
                "--model", bundledModel() });
        engine.load(QUrl("qrc:/Hearth/Main.qml"));
        QVERIFY(!engine.rootObjects().isEmpty());
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
        QVERIFY(window);
        window->resize(1200, 800);
        auto* chat = window->findChild<ChatController*>("chat");
        auto* model = window->findChild<ModelController*>("modelController");
        QVERIFY(chat && model);
        QTRY_VERIFY_WITH_TIMEOUT(chat->canSend(), 30000);

        // 1. Open the cut file: it fails, and stories260K stays loaded.
        QVERIFY(model->open(broken));
        QTRY_VERIFY_WITH_TIMEOUT(!model->error().isEmpty(), 30000);
        QCOMPARE(model->state(), QString("loaded"));
        QCOMPARE(model->info().value("path").toString(), bundledModel());
        QVERIFY2(model->error().contains(kHint), qPrintable(model->error()));
        QVERIFY2(model->error().contains("download it again"), qPrintable(model->error()));
        QVERIFY2(model->error().contains("stories260K.gguf is still loaded"), qPrintable(model->error()));
        QVERIFY2(
            !model->error().contains(m_dir.path()), qPrintable(model->error())); // the name, not the path

        // 2. Said once on screen.
        QTest::qWait(100);
        QCOMPARE(timesShown(window->contentItem(), kHint), 1);

        // 3. And the model still answers.
        QVERIFY(chat->canSend());
        QSignalSpy finished(chat, &ChatController::replyFinished);
        QVERIFY(chat->send("Once upon a time"));
        QVERIFY(finished.wait(30000));
        QVERIFY(!chat->messages()->textAt(1).isEmpty());
        QCOMPARE(chat->messages()->data(chat->messages()->index(1), MessageModel::StatusRole).toString(),
            QString("complete"));

        const QString shots = QStringLiteral(HEARTH_BINARY_DIR "/screenshots");
        QDir().mkpath(shots);
        QTest::qWait(200);
        QVERIFY(window->grabWindow().save(shots + "/hearth-failed-load.png"));
    }
};

QTEST_MAIN(FailedLoadTest)
#include "tst_failed_load.moc"
