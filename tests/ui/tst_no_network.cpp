// Nothing leaves the machine without the user's click: the real window (Main.qml, with the "Get a
// model" page's controller, its catalog and its first-start offer) starts on a fresh data dir with
// the real engine and the bundled model, chats one turn and summarizes a document, and quits. The
// test itself checks the work was done and that the catalog refresh never started (the bundled list
// shown, none saved); count_connections.py runs it under strace and fails on any connect() or
// sendto() to an internet address (IPv4 or IPv6, DNS included) by any of its processes, with
// http_proxy and https_proxy pointed at a local socket that counts what reaches it.
#include "chatcontroller.h"
#include "chatstore.h"
#include "documentcontroller.h"
#include "engineclient.h"
#include "getmodelcontroller.h"
#include "modelcontroller.h"
#include "settingscontroller.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

namespace {

int bundledCatalogVersion()
{
    QFile f(HEARTH_SOURCE_DIR "/resources/catalog.json");
    return f.open(QIODevice::ReadOnly)
        ? QJsonDocument::fromJson(f.readAll()).object().value("version").toInt()
        : -1;
}

} // namespace

class NoNetworkTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void startChatAndSummarizeOffline()
    {
        QVERIFY(m_dir.isValid());
        QQmlApplicationEngine engine;
        engine.addImportPath("qrc:/");
        engine.setProperty("hearthArguments",
            QStringList { "hearth", "--data-dir", m_dir.filePath("data"), "--engine", HEARTH_ENGINE_PATH,
                "--model", HEARTH_SOURCE_DIR "/resources/models/stories260K.gguf" });
        engine.load(QUrl("qrc:/Hearth/Main.qml"));
        QVERIFY(!engine.rootObjects().isEmpty());
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
        auto* chat = window->findChild<ChatController*>("chat");
        auto* model = window->findChild<ModelController*>("modelController");
        auto* settings = window->findChild<SettingsController*>("settings");
        auto* documents = window->findChild<DocumentController*>("documents");
        auto* getModel = window->findChild<GetModelController*>("getModel");
        QVERIFY(chat && model && settings && documents && getModel);
        // The catalog refresh is never started: the list shown is the bundled one, none is saved, and
        // the address it would fetch is the project's (internet) one, which strace would have seen.
        QSignalSpy refreshing(getModel, &GetModelController::refreshingChanged);
        QCOMPARE(getModel->catalogUrl(), GetModelController::defaultCatalogUrl());
        QVERIFY(getModel->catalogUrl().startsWith("https://"));

        // The window is up with the catalog read and the first-start offer shown.
        QTRY_VERIFY_WITH_TIMEOUT(chat->canSend(), 30000);
        QVERIFY(getModel->catalog()->count() > 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            window->findChild<QQuickItem*>("firstStartOffer")->property("shown").toBool(), 10000);

        // One turn of chat.
        settings->setMaxTokens(32);
        QSignalSpy replied(chat, &ChatController::replyFinished);
        QVERIFY(chat->send("Once upon a time"));
        QVERIFY(replied.wait(60000));

        // One summary.
        const QString text = m_dir.filePath("story.txt");
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 40; ++i)
            file.write(
                "The little dog ran to the park. It saw a big tree and a bird. The bird sang a song.\n");
        file.close();
        QSignalSpy finished(documents, &DocumentController::finished);
        QSignalSpy failed(documents, &DocumentController::failed);
        QVERIFY(documents->summarize(QUrl::fromLocalFile(text).toString(), QStringLiteral("short")));
        QVERIFY(QTest::qWaitFor([&] { return finished.count() + failed.count() > 0; }, 120000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(refreshing.count(), 0);
        QVERIFY(!QFile::exists(m_dir.filePath("data/catalog.json")));
        QCOMPARE(getModel->catalogVersion(), bundledCatalogVersion());
        delete window;
    }
};

QTEST_MAIN(NoNetworkTest)
#include "tst_no_network.moc"
