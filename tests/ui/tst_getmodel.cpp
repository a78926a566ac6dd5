// The "Get a model" page's C++ side. Fit marks against the Vulkan backend itself: on a device that is
// pretended to have just enough memory for the full context, for 1000 positions, or for half the
// weights, the mark says "full", "shorter" (with the context the backend then really picks) or "cpu"
// (the backend refuses). And the controller as the window has it: a catalog file downloaded from a
// local server (range_server.py standing in for Hugging Face) lands in the models folder, is listed
// with its type mix, and its catalog row says it is here — the models under QAbstractItemModelTester.
// Also renders the page's screenshots (catalog, a download in progress, the local models) into
// <build>/screenshots/ (scripts/screenshots.sh).
#include "chatstore.h"
#include "engineclient.h"
#include "getmodelcontroller.h"
#include "localmodelfacts.h"
#include "modelcontroller.h"
#include "modelfit.h"
#include "range_server.h"
#include "settingscontroller.h"
#include "shared_data.h"
#include "vulkan/vulkan_backend.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth;

namespace {

const QString kBundled = QStringLiteral(HEARTH_SOURCE_DIR "/resources/models/stories260K.gguf");
const char* kRepo = "bartowski/Llama-3.2-1B-Instruct-GGUF";
const char* kFile = "Llama-3.2-1B-Instruct-Q4_K_M.gguf";
const char* kKey = "llama-3.2-1b-instruct/Q4_K_M";

// range_server.py serving the shared tiny Q4_K_M model as the catalog's 1B Q4_K_M file.
struct Server : hearth::test::RangeServerProcess {
    bool start(const QStringList& flags)
    {
        return RangeServerProcess::start(
            QStringList { "--repo", kRepo, "--file",
                QString(kFile) + "=" + test::testdata("models/tiny-llama31-q4_k_m.gguf") }
            + flags);
    }
    QByteArray urlText() const { return url().toString().toUtf8(); }
};

} // namespace

class GetModelTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv("http_proxy");
    }

    // The marks say what the Vulkan backend then does, with the backend's own estimate as the numbers.
    void fitMatchesTheBackend()
    {
        const LocalModelFacts facts = inspectModel({ kBundled, "stories260K.gguf", 0, false, {} });
        QVERIFY2(facts.error.isEmpty(), qPrintable(facts.error));
        auto file = GgufFile::open(kBundled.toStdString());
        QVERIFY(file.ok());
        auto config = LlamaConfig::fromGguf(**file);
        auto weights = LlamaWeights::bind(**file, *config);
        QVERIFY(config.ok() && weights.ok());
        const quint32 context = wantedContext(0, facts.config.trainedContext);
        QCOMPARE(quint64(modelFit(facts.weights, facts.config, context, { "GPU", 1ull << 40 }, false)
                             .value("neededBytes")
                             .toDouble()),
            estimateVulkanMemory(**file, *config, context));

        VulkanOptions options;
        options.contextLength = context;
        options.fitContext = true;
        options.fitContextAtLeast = 256;
        // Just enough for the full context: "full", and the backend loads it.
        options.deviceMemoryOverride = estimateVulkanMemory(**file, *config, context);
        QVariantMap fit
            = modelFit(facts.weights, facts.config, context, { "GPU", options.deviceMemoryOverride }, false);
        QCOMPARE(fit.value("kind").toString(), QString("full"));
        auto full = createVulkanBackend(**file, *weights, *config, options);
        QVERIFY2(full.ok(), full.ok() ? "" : full.error().message.c_str());
        QCOMPARE((*full)->contextLength(), context);
        // Room for 1000 positions: "shorter", with the context the backend picks.
        options.deviceMemoryOverride = estimateVulkanMemory(**file, *config, 1000);
        fit = modelFit(facts.weights, facts.config, context, { "GPU", options.deviceMemoryOverride }, false);
        QCOMPARE(fit.value("kind").toString(), QString("shorter"));
        auto shorter = createVulkanBackend(**file, *weights, *config, options);
        QVERIFY2(shorter.ok(), shorter.ok() ? "" : shorter.error().message.c_str());
        QCOMPARE(fit.value("context").toUInt(), (*shorter)->contextLength());
        QVERIFY(fit.value("text").toString().contains(QLocale().toString((*shorter)->contextLength())));
        // Not even the weights: "cpu", and the backend refuses.
        options.deviceMemoryOverride = estimateVulkanMemory(**file, *config, 0) / 2;
        fit = modelFit(facts.weights, facts.config, context, { "GPU", options.deviceMemoryOverride }, false);
        QCOMPARE(fit.value("kind").toString(), QString("cpu"));
        QVERIFY(!createVulkanBackend(**file, *weights, *config, options).ok());
        // No GPU at all.
        QCOMPARE(modelFit(facts.weights, facts.config, context, {}, false).value("kind").toString(),
            QString("cpu"));
    }

    void fitDeviceFollowsTheSettings()
    {
        const QVariantList devices { QVariantMap { { "index", 0 }, { "name", "llvmpipe" }, { "kind", "cpu" },
                                         { "memoryBytes", 8e9 } },
            QVariantMap { { "index", -1 }, { "name", "CPU" }, { "kind", "cpu" }, { "memoryBytes", 0 } } };
        QCOMPARE(fitDevice(devices, "auto", -1).memoryBytes, quint64(0)); // "auto" never takes lavapipe
        QCOMPARE(fitDevice(devices, "vulkan", 0).name, QString("llvmpipe"));
        QCOMPARE(fitDevice(devices, "cpu", -1).memoryBytes, quint64(0));
    }

    void downloadThroughTheController()
    {
        Server server;
        QVERIFY(server.start({}));
        qputenv("HEARTH_HUB_URL", server.urlText());
        SettingsController settings;
        ModelController models;
        GetModelController controller;
        QAbstractItemModelTester catalogTester(
            controller.catalog(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester downloadsTester(
            controller.downloads(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester localTester(
            controller.localModels(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        controller.setSettings(&settings);
        controller.setModelController(&models);
        controller.setDataDir(m_dir.filePath("data"));
        QCOMPARE(controller.modelsFolder(), m_dir.filePath("data/models"));
        QVERIFY(controller.catalog()->count() > 10);
        QTRY_VERIFY(controller.onlyBundledModel());
        QCOMPARE(controller.recommendation().value("key").toString(), QString(kKey)); // no GPU: the smallest
        controller.download(kKey);
        QTRY_COMPARE_WITH_TIMEOUT(controller.localModels()->count(), 1, 20000);
        const QVariantMap local = controller.localModels()->row(0);
        QCOMPARE(local.value("fileName").toString(), QString(kFile));
        QVERIFY2(local.value("typeMix").toString().contains("Q4_K"),
            qPrintable(local.value("typeMix").toString()));
        QVERIFY(!local.value("fitText").toString().isEmpty());
        const int row = controller.catalog()->find("key", QString(kKey));
        QTRY_COMPARE(controller.catalog()->row(row).value("status").toString(), QString("local"));
        QCOMPARE(controller.downloads()->row(0).value("downloadState").toString(), QString("done"));
        QVERIFY(!controller.onlyBundledModel());
        // Deleting it empties the folder again.
        controller.remove(local.value("path").toString());
        QTRY_COMPARE(controller.localModels()->count(), 0);
        qunsetenv("HEARTH_HUB_URL");
    }

    // "Check for a newer list" through the controller, at the address set for it: a newer list (the
    // bundled one with its version raised and a model fewer) replaces the one shown and is what the next
    // start (a new controller over the same data folder) shows; a list that is not there (HTTP 404) is
    // said to be, and the list shown stays.
    void catalogRefreshThroughTheController()
    {
        QFile bundled(HEARTH_SOURCE_DIR "/resources/catalog.json");
        QVERIFY(bundled.open(QIODevice::ReadOnly));
        QJsonObject root = QJsonDocument::fromJson(bundled.readAll()).object();
        const int bundledVersion = root["version"].toInt();
        root["version"] = bundledVersion + 1;
        QJsonArray models = root["models"].toArray();
        models.removeLast();
        root["models"] = models;
        QFile newer(m_dir.filePath("newer-catalog.json"));
        QVERIFY(newer.open(QIODevice::WriteOnly));
        newer.write(QJsonDocument(root).toJson());
        newer.close();
        Server server;
        QVERIFY(server.start({ "--catalog", newer.fileName() }));
        const QString data = m_dir.filePath("refresh");
        SettingsController settings;
        {
            GetModelController controller;
            controller.setSettings(&settings);
            controller.setDataDir(data);
            QCOMPARE(controller.catalogVersion(), bundledVersion);
            QCOMPARE(controller.catalogUrl(), GetModelController::defaultCatalogUrl());
            QVERIFY(controller.catalogUrl().startsWith("https://"));
            const int rowsBefore = controller.catalog()->count();
            controller.setCatalogUrl(server.url("/catalog.json").toString());
            QCOMPARE(settings.catalogUrl(), server.url("/catalog.json").toString());
            controller.refreshCatalog();
            QVERIFY(controller.refreshing());
            QTRY_COMPARE(controller.catalogVersion(), bundledVersion + 1);
            QVERIFY(!controller.refreshing());
            QVERIFY2(controller.message().contains(QString::number(bundledVersion + 1)),
                qPrintable(controller.message()));
            QVERIFY(controller.catalog()->count() < rowsBefore);
            QVERIFY(QFile::exists(data + "/catalog.json"));
        }
        GetModelController restarted;
        restarted.setSettings(&settings);
        restarted.setDataDir(data);
        QCOMPARE(restarted.catalogVersion(), bundledVersion + 1);
        restarted.setCatalogUrl(server.url("/gone.json").toString());
        restarted.refreshCatalog();
        QTRY_VERIFY(!restarted.refreshing());
        QVERIFY2(restarted.message().contains("HTTP 404"), qPrintable(restarted.message()));
        QCOMPARE(restarted.catalogVersion(), bundledVersion + 1);
        // The project's list again: the setting goes back to empty.
        restarted.setCatalogUrl(GetModelController::defaultCatalogUrl());
        QVERIFY(settings.catalogUrl().isEmpty());
    }

    // The page in the real window: the catalog, a download in progress from a slow local server, and
    // the models on this computer (one downloaded, one linked).
    void screenshots()
    {
        Server server;
        QVERIFY(server.start({ "--throttle", "150000" }));
        qputenv("HEARTH_HUB_URL", server.urlText());
        const QString data = m_dir.filePath("shots");
        QQmlApplicationEngine engine;
        engine.addImportPath("qrc:/");
        engine.setProperty("hearthArguments",
            QStringList {
                "hearth", "--data-dir", data, "--engine", HEARTH_ENGINE_PATH, "--model", kBundled });
        engine.load(QUrl("qrc:/Hearth/Main.qml"));
        QVERIFY(!engine.rootObjects().isEmpty());
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
        window->resize(1200, 800);
        auto* controller = window->findChild<GetModelController*>("getModel");
        auto* models = window->findChild<ModelController*>("modelController");
        QTRY_COMPARE_WITH_TIMEOUT(models->state(), QString("loaded"), 30000);
        const QString dir = QStringLiteral(HEARTH_BINARY_DIR "/screenshots");
        QDir().mkpath(dir);
        QTRY_VERIFY(window->findChild<QQuickItem*>("firstStartOffer")->property("shown").toBool());
        QTest::qWait(300);
        QVERIFY(window->grabWindow().save(dir + "/hearth-first-start.png"));

        // The catalog marked for this machine's Vulkan device (lavapipe on CI: 2 GiB), chosen in the
        // settings, at the Llama 3.2 models.
        auto* settings = window->findChild<SettingsController*>("settings");
        settings->setBackend("vulkan");
        settings->setDevice(0);
        auto* dialog = window->findChild<QObject*>("getModelDialog");
        QVERIFY(dialog);
        QMetaObject::invokeMethod(dialog, "open");
        QTest::qWait(500);
        QMetaObject::invokeMethod(window->findChild<QQuickItem*>("catalogList"), "positionViewAtIndex",
            Q_ARG(int, 8), Q_ARG(int, 0));
        QTest::qWait(300);
        QVERIFY(window->grabWindow().save(dir + "/hearth-get-model-catalog.png"));

        controller->download(kKey);
        QTRY_VERIFY_WITH_TIMEOUT(controller->downloads()->count() == 1
                && controller->downloads()->row(0).value("progress").toDouble() > 0.25
                && !controller->downloads()->row(0).value("speedText").toString().isEmpty(),
            30000);
        dialog->setProperty("currentTab", 1);
        QTest::qWait(400);
        QVERIFY(window->grabWindow().save(dir + "/hearth-get-model-download.png"));

        QTRY_COMPARE_WITH_TIMEOUT(controller->localModels()->count(), 1, 60000);
        controller->addExisting(test::testdata("models/small-llama31-q4_k_m.gguf"), true);
        QTRY_COMPARE_WITH_TIMEOUT(controller->localModels()->count(), 2, 10000);
        dialog->setProperty("currentTab", 2);
        QTest::qWait(400);
        QVERIFY(window->grabWindow().save(dir + "/hearth-get-model-local.png"));
        qunsetenv("HEARTH_HUB_URL");
        delete window;
    }
};

QTEST_MAIN(GetModelTest)
#include "tst_getmodel.moc"
