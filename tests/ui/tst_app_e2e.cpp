// End to end: the real window (Main.qml, offscreen) with a temporary data dir, the real hearth-engine
// and the bundled stories260K model. Sends a message with the keyboard, watches the reply stream in,
// stops one generation, regenerates, edits, searches, then closes the window and starts it again on
// the same data dir and finds everything in the database and on screen. Also saves the screenshots
// (light and dark, a conversation with code and a long reply, Settings → API server running) into
// <build>/screenshots/, and kills the real engine process mid-reply to see the window, the partial
// reply and the next turn survive.
#include "apiservercontroller.h"
#include "chatcontroller.h"
#include "chatstore.h"
#include "engineclient.h"
#include "fakesecretstore.h"
#include "librarycontroller.h"
#include "modelcontroller.h"
#include "settingscontroller.h"
#include "storage/conversations.h"
#include "storage/database.h"
#include "storage/messages.h"

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

using namespace hearth::storage;

namespace {

// One run of the app: the same QML the hearth binary loads, with its start-up options.
struct App {
    QQmlApplicationEngine engine;
    QQuickWindow* window = nullptr;
    ChatController* chat = nullptr;
    ModelController* model = nullptr;
    SettingsController* settings = nullptr;
    EngineClient* engineClient = nullptr;

    explicit App(const QStringList& args)
    {
        engine.addImportPath("qrc:/");
        engine.setProperty("hearthArguments", QStringList { "hearth" } + args);
        engine.load(QUrl("qrc:/Hearth/Main.qml"));
        if (engine.rootObjects().isEmpty()) return;
        window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
        chat = window->findChild<ChatController*>("chat");
        model = window->findChild<ModelController*>("modelController");
        settings = window->findChild<SettingsController*>("settings");
        engineClient = window->findChild<EngineClient*>("engine");
    }
    QQuickItem* item(const char* name) const { return window->findChild<QQuickItem*>(name); }
    int shownMessages() const { return item("messageList")->property("count").toInt(); }
    QString text(int row) const { return chat->messages()->textAt(row); }
    QVariant role(int row, int r) const { return chat->messages()->data(chat->messages()->index(row), r); }
    bool waitReply(int timeoutMs = 30000) const
    {
        QSignalSpy finished(chat, &ChatController::replyFinished);
        return finished.wait(timeoutMs);
    }
};

QString bundledModel()
{
    return QStringLiteral(HEARTH_SOURCE_DIR "/resources/models/stories260K.gguf");
}

} // namespace

class AppEndToEndTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList args(const QString& data) const
    {
        return { "--data-dir", data, "--engine", HEARTH_ENGINE_PATH, "--model", bundledModel() };
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(bundledModel()), qPrintable(bundledModel()));
    }

    void chatSessionSurvivesRestart()
    {
        const QString data = m_dir.filePath("session");
        QStringList expectedTexts;
        qint64 conversationId = 0;
        {
            App app(args(data));
            QVERIFY(app.window && app.chat && app.model && app.settings);
            QTRY_VERIFY_WITH_TIMEOUT(app.chat->canSend(), 30000);
            QCOMPARE(app.model->state(), QString("loaded"));
            QVERIFY(app.model->storyModel());
            QVERIFY(app.item("modelNoticeLine")->isVisible());
            QVERIFY(app.item("modelNoticeLine")->property("text").toString().contains("stories260K"));
            app.settings->setMaxTokens(48);
            app.settings->setSeed(7);

            // 1. Type and press Enter; the reply streams into the view.
            QQuickItem* input = app.item("composerInput");
            input->forceActiveFocus();
            for (const QChar c : QString("Once upon a time"))
                QTest::keyClick(app.window, c.toLatin1());
            QSignalSpy pieces(app.engineClient, &EngineClient::pieceReceived);
            QTest::keyClick(app.window, Qt::Key_Return);
            QVERIFY(app.waitReply());
            QVERIFY(pieces.size() > 1);
            QCOMPARE(app.shownMessages(), 2);
            QCOMPARE(app.text(0), QString("Once upon a time"));
            QVERIFY(!app.text(1).isEmpty());
            QCOMPARE(app.role(1, MessageModel::StatusRole).toString(), QString("complete"));
            QVERIFY(app.role(1, MessageModel::CompletionTokensRole).toInt() > 0);
            conversationId = app.chat->currentConversationId();

            // 2. Stop a generation as soon as its first piece arrives.
            app.settings->setMaxTokens(4000);
            QMetaObject::Connection stopAtFirst = connect(
                app.engineClient, &EngineClient::pieceReceived, app.chat, [&] { app.chat->stop(); },
                Qt::SingleShotConnection);
            QVERIFY(app.chat->send("The little dog"));
            QVERIFY(app.waitReply());
            disconnect(stopAtFirst);
            QCOMPARE(app.role(3, MessageModel::StatusRole).toString(), QString("interrupted"));
            QCOMPARE(app.role(3, MessageModel::InterruptionRole).toString(), QString("user"));

            // 3. Regenerate the stopped reply: alternative 2 of 2.
            app.settings->setMaxTokens(32);
            app.chat->regenerate(app.role(3, MessageModel::MessageIdRole).toLongLong());
            QVERIFY(app.waitReply());
            QCOMPARE(app.role(3, MessageModel::SiblingCountRole).toInt(), 2);
            QCOMPARE(app.role(3, MessageModel::SiblingIndexRole).toInt(), 1);
            QCOMPARE(app.role(3, MessageModel::StatusRole).toString(), QString("complete"));

            // 4. Edit the first message and resend: a new branch, the old one kept.
            app.chat->editAndResend(
                app.role(0, MessageModel::MessageIdRole).toLongLong(), "Lily had a red ball");
            QVERIFY(app.waitReply());
            QCOMPARE(app.shownMessages(), 2);
            QCOMPARE(app.text(0), QString("Lily had a red ball"));
            QCOMPARE(app.role(0, MessageModel::SiblingCountRole).toInt(), 2);

            // 5. Search from the sidebar field finds the original branch.
            QQuickItem* search = app.item("searchField");
            search->setProperty("text", "little dog");
            QTRY_VERIFY(app.chat->library()->searchResults()->rowCount() >= 1);
            // The user's own message among the hits (a story reply may mention a little dog too).
            qint64 hit = 0;
            auto* results = app.chat->library()->searchResults();
            for (int i = 0; i < results->rowCount() && !hit; ++i)
                if (results->data(results->index(i), SearchResultModel::RoleRole).toString() == "user")
                    hit = results->data(results->index(i), SearchResultModel::MessageIdRole).toLongLong();
            QVERIFY(hit > 0);
            app.chat->openConversation(conversationId, hit);
            QTRY_VERIFY(app.chat->messages()->rowForId(hit) >= 0);
            QCOMPARE(app.text(0), QString("Once upon a time"));
            QCOMPARE(app.shownMessages(), 4);
            for (int i = 0; i < app.chat->messages()->rowCount(); ++i)
                expectedTexts << app.text(i);
        }

        // 6. The database holds all of it: two branches at the root, two replies to "The little dog".
        {
            auto db = Database::open(QDir(data).filePath("hearth.sqlite").toStdString());
            QVERIFY(db.ok());
            auto all = Messages(db.value()).all(conversationId);
            QVERIFY(all.ok());
            QCOMPARE(int(all->size()), 7); // 2 user roots, 2 + 1 replies, 1 follow-up, 1 regenerated
        }

        // 7. Start again: the conversation is listed and shows the same thread.
        App again(args(data));
        QVERIFY(again.window);
        QTRY_COMPARE(again.chat->library()->conversations()->rowCount(), 1);
        QTRY_COMPARE(again.item("conversationList")->property("count").toInt(), 1);
        again.chat->openConversation(conversationId);
        QTRY_COMPARE(again.shownMessages(), 4);
        QStringList texts;
        for (int i = 0; i < again.chat->messages()->rowCount(); ++i)
            texts << again.text(i);
        QCOMPARE(texts, expectedTexts);
        QCOMPARE(again.role(3, MessageModel::SiblingCountRole).toInt(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(again.chat->canSend(), 30000);
    }

    void engineKilledMidReply()
    {
        // The real engine process is killed (SIGKILL, as a driver fault would end it) as soon as the
        // reply starts streaming: the window lives on, the partial reply is kept and marked
        // interrupted, the engine comes back with the model and the next message works.
        const QString data = m_dir.filePath("crash");
        App app(args(data));
        QVERIFY(app.window);
        QTRY_VERIFY_WITH_TIMEOUT(app.chat->canSend(), 30000);
        app.settings->setMaxTokens(4000);
        const qint64 pid = app.engineClient->processId();
        QMetaObject::Connection killAtFirst = connect(
            app.engineClient, &EngineClient::pieceReceived, app.engineClient,
            [&] { app.engineClient->killEngine(); }, Qt::SingleShotConnection);
        QVERIFY(app.chat->send("Once upon a time"));
        QVERIFY(app.waitReply());
        disconnect(killAtFirst);
        QCOMPARE(app.role(1, MessageModel::StatusRole).toString(), QString("interrupted"));
        QVERIFY(!app.text(1).isEmpty());
        QVERIFY(app.item("noticeText")->isVisible());
        const qint64 replyId = app.role(1, MessageModel::MessageIdRole).toLongLong();
        const QString partial = app.text(1);

        QTRY_VERIFY_WITH_TIMEOUT(app.chat->canSend(), 30000);
        QVERIFY(app.engineClient->processId() != pid);
        app.settings->setMaxTokens(16);
        QVERIFY(app.chat->send("The cat"));
        QVERIFY(app.waitReply());
        QCOMPARE(app.role(3, MessageModel::StatusRole).toString(), QString("complete"));
        QVERIFY(!app.text(3).isEmpty());

        // In the database: the partial text, marked interrupted.
        auto db = Database::open(QDir(data).filePath("hearth.sqlite").toStdString());
        QVERIFY(db.ok());
        auto stored = Messages(db.value()).get(replyId);
        QVERIFY(stored.ok());
        QCOMPARE(stored->status, MessageStatus::Interrupted);
        QCOMPARE(QString::fromStdString(stored->text), partial);
    }

    // On a machine without the Vulkan loader the engine runs on the CPU, and the window says why and
    // what to install.
    void gpuFallbackIsShown()
    {
        qputenv("HEARTH_VULKAN_LOADER", "/nonexistent/libvulkan.so.1"); // inherited by the engine process
        App app(args(m_dir.filePath("no-vulkan")));
        qunsetenv("HEARTH_VULKAN_LOADER");
        QVERIFY(app.window && app.model);
        QTRY_COMPARE_WITH_TIMEOUT(app.model->state(), QString("loaded"), 30000);
        QCOMPARE(app.model->info().value("backend").toString(), QString("cpu"));
        // One line in the bar; the whole notice behind "Details".
        QVERIFY(app.item("modelNoticeLine")->isVisible());
        const QString line = app.item("modelNoticeLine")->property("text").toString();
        QVERIFY2(line.contains("Vulkan is not installed"), qPrintable(line));
        const QString text = app.item("modelNotices")->property("all").toStringList().join('\n');
        QVERIFY2(text.contains("Vulkan is not installed") && text.contains("libvulkan1"), qPrintable(text));
    }

    void screenshots()
    {
        // A conversation with code and a long reply, written straight into the store (the bundled
        // story model does not write code).
        const QString data = m_dir.filePath("shots");
        QDir().mkpath(data);
        {
            auto db = Database::open(QDir(data).filePath("hearth.sqlite").toStdString());
            QVERIFY(db.ok());
            Conversations conversations(db.value());
            Messages messages(db.value());
            QVERIFY(conversations.create("Story about a dragon").ok());
            auto c = conversations.create("Reverse a list in Python");
            QVERIFY(c.ok());
            auto u = messages.appendUser(c->id, "How do I reverse a list in Python?");
            auto r = messages.beginAssistant(c->id, u->id);
            FinishInfo done;
            done.text = "There are two common ways.\n\n**In place**, changing the list itself:\n\n"
                        "```python\nnumbers = [1, 2, 3, 4]\nnumbers.reverse()\nprint(numbers)  # [4, 3, 2, "
                        "1]\n```\n\n"
                        "**As a new list**, leaving the original alone, with slicing:\n\n"
                        "```python\nreversed_numbers = numbers[::-1]\n```\n\n"
                        "Use `reverse()` when you no longer need the original order; use slicing "
                        "(or `list(reversed(numbers))`) when you do. Both take time proportional to the "
                        "length of the list.";
            done.completionTokens = 112;
            done.tokensPerSecond = 38.4;
            QVERIFY(messages.finish(r->id, done).ok());
            auto u2 = messages.appendUser(c->id, "Thanks! Can you tell me a long story while I wait?");
            auto r2 = messages.beginAssistant(c->id, u2->id);
            FinishInfo story;
            QString longText;
            for (int p = 0; p < 6; ++p)
                longText
                    += "Once upon a time, in a small house at the edge of a quiet wood, there lived a girl "
                       "named Lily who loved to read. Every evening she sat by the fire with a book and a "
                       "cup "
                       "of warm milk, and every evening the old cat curled up beside her and listened. ";
            story.text = longText.trimmed().toStdString();
            story.completionTokens = 240;
            story.tokensPerSecond = 41.0;
            QVERIFY(messages.finish(r2->id, story).ok());
        }
        App app(args(data));
        QVERIFY(app.window);
        app.window->resize(1200, 800);
        QTRY_COMPARE(app.chat->library()->conversations()->rowCount(), 2);
        QTRY_COMPARE(app.model->state(), QString("loaded"));
        app.chat->openConversation(app.chat->library()->conversations()->at(0)->id);
        QTRY_COMPARE(app.shownMessages(), 4);
        // Show the code at the top of the window.
        QTest::qWait(300);
        app.item("messageList")->setProperty("follow", false);
        QMetaObject::invokeMethod(app.item("messageList"), "positionViewAtBeginning");
        const QString dir = QStringLiteral(HEARTH_BINARY_DIR "/screenshots");
        QDir().mkpath(dir);
        for (const QString theme : { "light", "dark" }) {
            app.settings->setTheme(theme);
            QTest::qWait(300);
            const QImage image = app.window->grabWindow();
            QVERIFY(!image.isNull());
            QVERIFY(image.save(dir + "/hearth-" + theme + ".png"));
        }
        // And the end of the long reply, dark.
        app.item("messageList")->setProperty("follow", true);
        QMetaObject::invokeMethod(app.item("messageList"), "positionViewAtEnd");
        QTest::qWait(300);
        QVERIFY(app.window->grabWindow().save(dir + "/hearth-dark-long-reply.png"));
        app.settings->setTheme("light");
        // A long notice, shown then dismissed: it pushes the conversation down, not the sidebar, and
        // once it is gone the sidebar, the conversation and the composer are where they were.
        const auto geometry = [&] {
            QList<QRectF> rects;
            for (const char* name : { "sidebar", "conversationView", "composer" }) {
                QQuickItem* item = app.item(name);
                rects << QRectF(item->mapToScene(QPointF(0, 0)), item->size());
            }
            return rects;
        };
        QTest::qWait(200);
        // The composer is as tall as it asks, with no gap left by the "Loading the model…" line.
        QCOMPARE(app.item("composer")->height(), app.item("composer")->implicitHeight());
        const QList<QRectF> before = geometry();
        app.window->setProperty("windowNotice",
            QStringLiteral("Could not import the conversations: %1 is not a Hearth export, and nothing was "
                           "changed. The file is left as it was; choose another one or export again from "
                           "the computer it came from.")
                .arg(QStringLiteral("/home/someone/Downloads/a-file-with-a-rather-long-name.json")));
        app.window->setProperty("windowNoticeKind", QStringLiteral("error"));
        QTest::qWait(300);
        QVERIFY(app.item("noticeText")->isVisible());
        QVERIFY(geometry()[1].top() > before[1].top()); // the notice pushed the conversation down
        QCOMPARE(geometry()[0], before[0]); // and left the sidebar alone
        QVERIFY(app.window->grabWindow().save(dir + "/hearth-notice.png"));
        app.window->setProperty("windowNotice", QString());
        QTest::qWait(300);
        QVERIFY(app.window->grabWindow().save(dir + "/hearth-notice-dismissed.png"));
        QCOMPARE(geometry(), before);
        // The model info view, over the window.
        QMetaObject::invokeMethod(app.item("modelInfoButton"), "clicked");
        QTest::qWait(300);
        QVERIFY(app.window->grabWindow().save(dir + "/hearth-model-info.png"));
        QMetaObject::invokeMethod(app.item("modelInfoButton"), "clicked");
        QTest::qWait(300);

        // Settings → API server, running: its address, the model it serves, the key masked.
        auto* apiServer = app.window->findChild<ApiServerController*>("apiServer");
        QVERIFY(apiServer);
        apiServer->setSecretStore(new FakeSecretStore(apiServer));
        apiServer->setEnabled(true);
        QTRY_COMPARE_WITH_TIMEOUT(apiServer->state(), ApiServerController::State::Running, 20000);
        QTRY_COMPARE(apiServer->modelId(), QString("stories260K"));
        QObject* settingsDialog = app.window->findChild<QObject*>("settingsDialog");
        QVERIFY(settingsDialog);
        QMetaObject::invokeMethod(settingsDialog, "open");
        QTest::qWait(400);
        auto* scroll = qvariant_cast<QQuickItem*>(app.item("settingsScroll")->property("contentItem"));
        QVERIFY(scroll);
        // The model's settings: context, CPU threads, device, tuning for the GPU.
        QQuickItem* tune = app.item("tuneKernelsCheck");
        QVERIFY(tune && tune->isVisible());
        scroll->setProperty(
            "contentY", qMax(0.0, tune->mapToItem(scroll, QPointF(0, 0)).y() - scroll->height() / 2));
        QTest::qWait(300);
        QVERIFY(app.window->grabWindow().save(dir + "/hearth-settings-model.png"));
        scroll->setProperty("contentY", scroll->property("contentHeight").toReal() - scroll->height());
        QTest::qWait(300);
        QCOMPARE(app.item("apiServerAddress")->property("text").toString(), apiServer->address());
        const QString shownKey = app.item("apiServerKey")->property("displayText").toString();
        QCOMPARE(shownKey.size(), apiServer->apiKey().size());
        QVERIFY(!shownKey.contains("hearth-"));
        QVERIFY(app.window->grabWindow().save(dir + "/hearth-api-server.png"));
        // Reachable from the network: the warning shows.
        apiServer->setAllInterfaces(true);
        QTRY_COMPARE_WITH_TIMEOUT(apiServer->state(), ApiServerController::State::Running, 20000);
        QTest::qWait(300);
        scroll->setProperty("contentY", scroll->property("contentHeight").toReal() - scroll->height());
        QTest::qWait(300);
        QVERIFY(app.item("apiServerNetworkWarning")->isVisible());
        QVERIFY(app.window->grabWindow().save(dir + "/hearth-api-server-network.png"));
        apiServer->setAllInterfaces(false);
    }
};

QTEST_MAIN(AppEndToEndTest)
#include "tst_app_e2e.moc"
