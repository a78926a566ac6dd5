// Every QML file of the app, and every dialog, popup and page of the window, loaded and opened with
// the QML modules this machine has (the ones scripts/install-deps.sh installs, the same list the .deb
// depends on): a module missing there — like Qt.labs.folderlistmodel, which the non-native file dialog
// loads only when it opens — fails here, with the message, instead of crashing a user's "Open model…".
// Any QML warning while loading or opening fails the test too.
#include "chatcontroller.h"
#include "chatstore.h"
#include "conversationlistmodel.h"
#include "engineclient.h"
#include "librarycontroller.h"
#include "messagemodel.h"
#include "modelcontroller.h"
#include "settingscontroller.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <mutex>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

namespace {

// Warnings and errors from anywhere in the process, collected between two take() calls.
class WarningLog {
public:
    static WarningLog& instance()
    {
        static WarningLog log;
        return log;
    }
    void install() { m_previous = qInstallMessageHandler(&WarningLog::handle); }
    QStringList take()
    {
        std::lock_guard lock(m_mutex);
        return std::exchange(m_messages, {});
    }

private:
    static void handle(QtMsgType type, const QMessageLogContext& context, const QString& message)
    {
        if (type != QtDebugMsg && type != QtInfoMsg) {
            std::lock_guard lock(instance().m_mutex);
            instance().m_messages << message;
        }
        if (instance().m_previous) instance().m_previous(type, context, message);
    }
    std::mutex m_mutex;
    QStringList m_messages;
    QtMessageHandler m_previous = nullptr;
};

bool derivesFrom(const QObject* object, const char* className)
{
    for (const QMetaObject* m = object->metaObject(); m; m = m->superClass())
        if (qstrcmp(m->className(), className) == 0) return true;
    return false;
}

// Popups (Dialog, Popup, Menu, Drawer) and QtQuick.Dialogs dialogs (FileDialog, FolderDialog,
// MessageDialog) under the window, in the order they were declared.
QList<QObject*> dialogsOf(QObject* root)
{
    QList<QObject*> found;
    for (QObject* object : root->findChildren<QObject*>())
        if (derivesFrom(object, "QQuickPopup") || derivesFrom(object, "QQuickAbstractDialog"))
            found << object;
    return found;
}

QString nameOf(const QObject* object)
{
    const QString name = object->objectName();
    return QString("%1%2").arg(
        object->metaObject()->className(), name.isEmpty() ? QString() : " \"" + name + "\"");
}

} // namespace

class AppDialogsTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // The window as the hearth binary loads it, on a data dir of its own, with the fake engine.
    std::unique_ptr<QQmlApplicationEngine> startWindow(const QString& dataName)
    {
        const QString model = m_dir.filePath("fake.gguf");
        QFile file(model);
        if (!file.exists() && file.open(QIODevice::WriteOnly)) file.write("GGUF....");
        auto engine = std::make_unique<QQmlApplicationEngine>();
        engine->addImportPath("qrc:/");
        engine->setProperty("hearthArguments",
            QStringList { "hearth", "--data-dir", m_dir.filePath(dataName), "--engine", HEARTH_FAKE_ENGINE,
                "--model", model });
        engine->load(QUrl("qrc:/Hearth/Main.qml"));
        return engine;
    }
    static QQuickWindow* windowOf(QQmlApplicationEngine& engine)
    {
        return engine.rootObjects().isEmpty() ? nullptr
                                              : qobject_cast<QQuickWindow*>(engine.rootObjects().first());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The documents folder the save dialog proposes is under this HOME, not the user's.
        qputenv("HOME", m_dir.path().toLocal8Bit());
        qunsetenv("XDG_DOCUMENTS_DIR");
        WarningLog::instance().install();
    }

    void init() { WarningLog::instance().take(); }

    // Each .qml file of ui/ is in the app's module and compiles with every import it names.
    void everyQmlFileLoads()
    {
        QStringList sources;
        QDirIterator sourceFiles(
            HEARTH_SOURCE_DIR "/ui", { "*.qml" }, QDir::Files, QDirIterator::Subdirectories);
        while (sourceFiles.hasNext())
            sources << QFileInfo(sourceFiles.next()).fileName();
        QVERIFY(sources.size() > 10);

        QQmlEngine engine;
        engine.addImportPath("qrc:/");
        QStringList loaded;
        QDirIterator moduleFiles(":/Hearth", { "*.qml" }, QDir::Files, QDirIterator::Subdirectories);
        while (moduleFiles.hasNext()) {
            const QString path = moduleFiles.next();
            QQmlComponent component(&engine, QUrl("qrc" + path));
            QTRY_VERIFY(!component.isLoading());
            QVERIFY2(component.isReady(), qPrintable(path + ": " + component.errorString()));
            loaded << QFileInfo(path).fileName();
        }
        sources.sort();
        loaded.sort();
        QCOMPARE(loaded, sources);
        const QStringList warnings = WarningLog::instance().take();
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join('\n')));
    }

    // The window, then each of its dialogs opened and closed in turn, file dialogs included.
    void everyDialogOpens()
    {
        auto engine = startWindow("dialogs");
        QQuickWindow* window = windowOf(*engine);
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));

        const QList<QObject*> dialogs = dialogsOf(window);
        QStringList opened;
        for (QObject* dialog : dialogs) {
            const QString name = nameOf(dialog);
            QVERIFY2(QMetaObject::invokeMethod(dialog, "open"), qPrintable(name));
            QTRY_VERIFY2(dialog->property("visible").toBool(), qPrintable(name + " did not open"));
            QTest::qWait(50); // let its content (and any module it loads lazily) come up
            const bool isPopup = derivesFrom(dialog, "QQuickPopup");
            QVERIFY(QMetaObject::invokeMethod(dialog, isPopup ? "close" : "reject"));
            QTRY_VERIFY2(!dialog->property("visible").toBool(), qPrintable(name + " did not close"));
            opened << name;
            const QStringList warnings = WarningLog::instance().take();
            QVERIFY2(warnings.isEmpty(), qPrintable(name + ":\n" + warnings.join('\n')));
        }
        // The dialogs a user reaches from the window: the two file dialogs, settings, summarize.
        QVERIFY2(opened.filter("QQuickFileDialog").size() >= 2, qPrintable(opened.join(", ")));
        QVERIFY2(opened.filter("settingsDialog").size() == 1, qPrintable(opened.join(", ")));
        qInfo().noquote() << "opened:" << opened.join(", ");
    }

    // Every shortcut the window answers to is in the help sheet, and F1 opens the sheet.
    void everyShortcutIsListed()
    {
        auto engine = startWindow("shortcuts");
        QQuickWindow* window = windowOf(*engine);
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QQmlComponent reader(engine.get());
        reader.setData("import QtQml\nimport Hearth\nQtObject { property var all: Shortcuts.all }", QUrl());
        std::unique_ptr<QObject> shortcuts(reader.create());
        QVERIFY2(shortcuts, qPrintable(reader.errorString()));
        QStringList listed;
        for (const QVariant& row : shortcuts->property("all").toList())
            for (const QString& keys : row.toMap().value("keys").toString().split(" / "))
                listed << QKeySequence(keys).toString();
        int bound = 0;
        for (QObject* object : window->findChildren<QObject*>()) {
            if (!derivesFrom(object, "QQuickShortcut")) continue;
            QVariantList sequences = object->property("sequences").toList();
            sequences.prepend(object->property("sequence"));
            bool anyListed = false;
            for (const QVariant& sequence : sequences)
                anyListed |= !sequence.toString().isEmpty()
                    && listed.contains(QKeySequence(sequence.toString()).toString());
            QVERIFY2(anyListed,
                qPrintable(
                    "a shortcut the help sheet does not list: " + object->property("sequence").toString()));
            ++bound;
        }
        QVERIFY(bound >= 8);

        QObject* sheet = window->findChild<QObject*>("shortcutsSheet");
        QVERIFY(sheet);
        QVERIFY(!sheet->property("visible").toBool());
        QTest::keyClick(window, Qt::Key_F1);
        QTRY_VERIFY(sheet->property("visible").toBool());
    }

    // The window opens at its last size.
    void windowSizeIsRemembered()
    {
        {
            auto engine = startWindow("size");
            QQuickWindow* window = windowOf(*engine);
            QVERIFY(window);
            QVERIFY(QTest::qWaitForWindowExposed(window));
            auto* settings = window->findChild<SettingsController*>("settings");
            QTRY_VERIFY(settings->loaded());
            QVERIFY(window->width() >= 640 && window->height() >= 420);
            window->resize(700, 520); // within the offscreen screen (800×600)
            QTRY_COMPARE(window->width(), 700);
            window->close(); // the window's onClosing stores the size
            QCOMPARE(settings->windowWidth(), 700);
            QCOMPARE(settings->windowHeight(), 520);
            window->findChild<ChatStore*>("store")->waitForIdle();
        }
        auto engine = startWindow("size");
        QQuickWindow* window = windowOf(*engine);
        QVERIFY(window);
        QTRY_COMPARE(window->width(), 700);
        QCOMPARE(window->height(), 520);
    }

    // Export the open chat as JSON and Markdown through the window's save dialog, import the JSON
    // through its open dialog: a second conversation with the same messages, opened.
    void exportAndImportFromTheWindow()
    {
        auto engine = startWindow("transfer");
        QQuickWindow* window = windowOf(*engine);
        QVERIFY(window);
        auto* chat = window->findChild<ChatController*>("chat");
        QVERIFY(chat);
        QTRY_VERIFY_WITH_TIMEOUT(chat->canSend(), 20000);
        QSignalSpy finished(chat, &ChatController::replyFinished);
        QVERIFY(chat->send("Where do the ferries go?"));
        QVERIFY(finished.wait(20000));
        const QStringList texts = { chat->messages()->textAt(0), chat->messages()->textAt(1) };
        QVERIFY(!texts[1].isEmpty());
        const qint64 original = chat->currentConversationId();

        QObject* exportDialog = window->findChild<QObject*>("exportDialog");
        QObject* importDialog = window->findChild<QObject*>("importDialog");
        QVERIFY(exportDialog && importDialog);
        const QString json = m_dir.filePath("chat.json");
        const QString markdown = m_dir.filePath("chat.md");
        // The save dialog proposes the chat's title in the documents folder; what it accepts goes to
        // exportTo (the dialog's own file browsing is Qt's).
        QVERIFY(QMetaObject::invokeMethod(window, "exportChat"));
        QTRY_VERIFY(exportDialog->property("visible").toBool());
        const QString proposed = exportDialog->property("selectedFile").toUrl().toLocalFile();
        QVERIFY2(proposed.endsWith("/Where do the ferries go.md"), qPrintable(proposed));
        QVERIFY(QMetaObject::invokeMethod(exportDialog, "reject"));
        QTRY_VERIFY(!exportDialog->property("visible").toBool());
        for (const QString& path : { json, markdown }) {
            QVERIFY(QMetaObject::invokeMethod(
                window, "exportTo", Q_ARG(QVariant, QUrl::fromLocalFile(path)), Q_ARG(QVariant, false)));
            // Done when the window says so: the worker has written the file by then, and the transfer
            // takes the next export (it refuses one while another is still running).
            QTRY_VERIFY2_WITH_TIMEOUT(window->property("windowNotice").toString().contains(path),
                qPrintable(window->property("windowNotice").toString()), 30000);
            QVERIFY(QFileInfo(path).size() > 0);
        }
        QVERIFY2(!QFile::exists(proposed), "cancelling the save dialog exported anyway");
        QFile exportedJson(json);
        QVERIFY(exportedJson.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(exportedJson.readAll()).object().value("format").toString(),
            QString("hearth-conversation"));
        QFile exportedMarkdown(markdown);
        QVERIFY(exportedMarkdown.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(exportedMarkdown.readAll()).contains(texts[0]));

        QVERIFY(QMetaObject::invokeMethod(importDialog, "open"));
        QTRY_VERIFY(importDialog->property("visible").toBool());
        QVERIFY(QMetaObject::invokeMethod(importDialog, "reject"));
        QVERIFY(QMetaObject::invokeMethod(window, "importFrom", Q_ARG(QVariant, QUrl::fromLocalFile(json))));
        QTRY_COMPARE_WITH_TIMEOUT(chat->library()->conversations()->rowCount(), 2, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(
            chat->currentConversationId() != original && chat->currentConversationId() > 0, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(chat->messages()->rowCount(), 2, 30000);
        QCOMPARE(QStringList({ chat->messages()->textAt(0), chat->messages()->textAt(1) }), texts);

        // A file that is not an export: a clear message, nothing imported.
        QVERIFY(
            QMetaObject::invokeMethod(window, "importFrom", Q_ARG(QVariant, QUrl::fromLocalFile(markdown))));
        QTRY_VERIFY(window->property("windowNotice").toString().contains("Could not import"));
        QCOMPARE(chat->library()->conversations()->rowCount(), 2);
        WarningLog::instance().take();
    }
};

QTEST_MAIN(AppDialogsTest)
#include "tst_app_dialogs.moc"
