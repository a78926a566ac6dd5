// Remote servers in the real window (Main.qml offscreen, the real engine process) against llama.cpp's
// llama-server serving stories260K: the server is added in Settings, Remote servers (its page shows
// it, a second one over plain http to another computer shows the warning), the model picker lists the
// server's model beside the files, picking it loads "stories260K @ Local llama-server", and a reply
// streams into the conversation. Also saves the screenshots of that (scripts/screenshots.sh runs
// this with the llama-server it started: $HEARTH_REMOTE_URL and $HEARTH_REMOTE_KEY).
#include "chatcontroller.h"
#include "chatstore.h"
#include "engineclient.h"
#include "fakesecretstore.h"
#include "librarycontroller.h"
#include "modelcontroller.h"
#include "remoteserverlist.h"
#include "settingscontroller.h"
#include "testservers.h"

#include <QDir>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

namespace {

// Repeater and Loader items are children of their visual parent only, so the walk follows both.
QQuickItem* findItem(QObject* root, const QString& name)
{
    if (auto* found = root->findChild<QQuickItem*>(name)) return found;
    QList<QObject*> pending = root->findChildren<QObject*>();
    pending.prepend(root);
    for (QObject* object : pending)
        if (auto* item = qobject_cast<QQuickItem*>(object))
            for (QQuickItem* child : item->childItems()) {
                if (child->objectName() == name) return child;
                if (QQuickItem* below = findItem(child, name)) return below;
            }
    return nullptr;
}

bool save(QQuickWindow* window, const QString& name)
{
    const QString dir = QStringLiteral(HEARTH_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QTest::qWait(300);
    return window->grabWindow().save(dir + "/" + name);
}

} // namespace

class TestRemoteWindow : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<hearth::test::TestServer> m_server; // when the script has not started one
    QString m_url;
    QString m_key;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_url = qEnvironmentVariable("HEARTH_REMOTE_URL");
        m_key = qEnvironmentVariable("HEARTH_REMOTE_KEY");
        if (m_url.isEmpty()) {
            m_server = std::make_unique<hearth::test::TestServer>(QStringLiteral("window-test-key"));
            QVERIFY2(m_server->startLlamaServer(), "llama-server from ../shared/baseline did not start");
            m_url = m_server->baseUrl();
            m_key = m_server->key();
        }
    }

    void screenshots()
    {
        QQmlApplicationEngine engine;
        engine.addImportPath("qrc:/");
        engine.setProperty("hearthArguments",
            QStringList { "hearth", "--data-dir", m_dir.filePath("data"), "--engine", HEARTH_ENGINE_PATH,
                "--no-autoload" });
        engine.load(QUrl("qrc:/Hearth/Main.qml"));
        QVERIFY(!engine.rootObjects().isEmpty());
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
        QVERIFY(window);
        window->resize(1200, 800);
        auto* servers = window->findChild<RemoteServerList*>("remoteServers");
        auto* model = window->findChild<ModelController*>("modelController");
        auto* chat = window->findChild<ChatController*>("chat");
        auto* settings = window->findChild<SettingsController*>("settings");
        QVERIFY(servers && model && chat && settings);
        FakeSecretStore secrets; // offscreen there is no desktop secret service
        servers->setSecretStore(&secrets);
        QTRY_VERIFY(servers->loaded());

        // 1. Settings, Remote servers: two servers, the second over plain http to another computer.
        QCOMPARE(servers->add("Local llama-server", m_url, m_key, false), QString());
        QCOMPARE(servers->add("GPU box", "http://gpu-box.lan:8000/v1", {}, false), QString());
        QTRY_COMPARE(servers->data(servers->index(0), RemoteServerList::KeyPlaceRole).toString(),
            QString("secretStore"));
        // A third added while no secret service answers: the page says where its key is (nowhere).
        secrets.available = false;
        QCOMPARE(servers->add("Lab cluster", "https://lab.example.org/v1", "sk-lab", false), QString());
        QTRY_VERIFY(servers->data(servers->index(2), RemoteServerList::KeyMessageRole)
                        .toString()
                        .contains("No secret store is running"));
        secrets.available = true;
        QObject* dialog = window->findChild<QObject*>("settingsDialog");
        QVERIFY(QMetaObject::invokeMethod(dialog, "open"));
        QQuickItem* page = findItem(window, "remoteServersPage");
        QVERIFY(page);
        QTRY_VERIFY(page->isVisible());
        QTRY_VERIFY(findItem(window, "remoteServer2"));
        QQuickItem* scroll = findItem(window, "settingsScroll");
        QVERIFY(scroll);
        auto* flickable = scroll->property("contentItem").value<QQuickItem*>();
        QVERIFY(flickable);
        auto scrollTo = [&](QQuickItem* item) {
            QTest::qWait(200);
            const qreal top
                = item->mapToItem(flickable->property("contentItem").value<QQuickItem*>(), QPointF(0, 0)).y();
            flickable->setProperty("contentY", qMax(0.0, top - 40));
        };
        scrollTo(page);
        QVERIFY(findItem(window, "serverKeyMessage2")->isVisible());
        QVERIFY(save(window, "hearth-remote-servers.png"));
        // The add form, with an address being typed.
        page->setProperty("editing", -1);
        QQuickItem* url = nullptr;
        QTRY_VERIFY((url = findItem(window, "serverUrlField")));
        url->setProperty("text", "http://10.0.0.7:30000/v1");
        findItem(window, "serverNameField")->setProperty("text", "SGLang cluster");
        QTRY_VERIFY(findItem(window, "serverUrlWarning")->isVisible());
        QVERIFY(findItem(window, "serverUrlWarning")->property("text").toString().contains("plain text"));
        scrollTo(findItem(window, "remoteServer2"));
        QVERIFY(save(window, "hearth-remote-server-form.png"));
        QVERIFY(QMetaObject::invokeMethod(dialog, "close"));

        // 2. The model picker lists the server's model beside the files.
        QQuickItem* menuButton = findItem(window, "modelMenuButton");
        QVERIFY(menuButton);
        QVERIFY(QMetaObject::invokeMethod(menuButton, "clicked"));
        QTRY_COMPARE_WITH_TIMEOUT(servers->data(servers->index(0), RemoteServerList::ListingRole).toString(),
            QString("listed"), 20000);
        // Every server has answered (each answer rebuilds the menu's rows): the rows are final.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int row = 0; row < servers->rowCount(); ++row)
                    if (servers->data(servers->index(row), RemoteServerList::ListingRole).toString()
                        == "listing")
                        return false;
                return true;
            }(),
            30000);
        const QStringList models
            = servers->data(servers->index(0), RemoteServerList::ModelsRole).toStringList();
        QVERIFY(models.contains("stories260K"));
        int entry = -1;
        const QVariantList entries = menuButton->property("entries").toList();
        for (int i = 0; i < entries.size(); ++i)
            if (entries.at(i).toMap().value("model") == "stories260K") entry = i;
        QVERIFY(entry >= 0);
        QQuickItem* item = nullptr;
        QTRY_VERIFY((item = findItem(window, QString("modelMenuEntry%1").arg(entry))));
        QVERIFY(item->property("enabled").toBool());
        QVERIFY(save(window, "hearth-remote-model-picker.png"));

        // 3. Picked: the bar names it with its server; a reply streams from llama-server.
        QVERIFY(QMetaObject::invokeMethod(item, "triggered"));
        QVERIFY(QMetaObject::invokeMethod(window->findChild<QObject*>("modelMenu"), "close"));
        QTRY_COMPARE_WITH_TIMEOUT(model->state(), QString("loaded"), 20000);
        QCOMPARE(model->displayName(), QString("stories260K @ Local llama-server"));
        QCOMPARE(findItem(window, "modelName")->property("text").toString(), model->displayName());
        settings->setMaxTokens(60);
        settings->setTemperature(0);
        QTRY_VERIFY(chat->canSend());
        QSignalSpy finished(chat, &ChatController::replyFinished);
        QVERIFY(chat->send("Once upon a time"));
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(0).at(1).toString(), QString("complete"));
        QVERIFY(chat->messages()->textAt(1).size() > 10);
        QVERIFY(save(window, "hearth-remote-chat.png"));
    }
};

QTEST_MAIN(TestRemoteWindow)
#include "tst_remote_window.moc"
