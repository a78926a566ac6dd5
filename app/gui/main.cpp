// hearth: the chat window. Loads the QML module's Main.qml; everything else (store, engine process,
// controllers) is declared there and configured from AppOptions (command line / environment).
//   --exit-when-ready   quit once the window is up and interactive, printing the start-up time
//                       (used to measure start-up offscreen)
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

int main(int argc, char** argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    QGuiApplication app(argc, argv);
    QGuiApplication::setOrganizationName("Hearth");
    QGuiApplication::setApplicationName("hearth");
    QGuiApplication::setApplicationDisplayName("Hearth");
    QGuiApplication::setApplicationVersion(HEARTH_VERSION);
    // A style that follows our Theme colours on every platform.
    QQuickStyle::setStyle("Basic");

    QQmlApplicationEngine engine;
    engine.addImportPath("qrc:/");
    const bool exitWhenReady = app.arguments().contains("--exit-when-ready");
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl("qrc:/Hearth/Main.qml"));
    if (engine.rootObjects().isEmpty())
        return 1;

    if (exitWhenReady) {
        // Interactive = the first frame of the window has been rendered.
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
        if (window) {
            QObject::connect(window, &QQuickWindow::frameSwapped, &app, [&sinceStart] {
                std::printf("hearth: interactive window after %.1f ms\n", double(sinceStart.nsecsElapsed()) / 1e6);
                std::fflush(stdout);
                QTimer::singleShot(0, qApp, &QCoreApplication::quit);
            }, Qt::SingleShotConnection);
        }
    }
    return app.exec();
}
