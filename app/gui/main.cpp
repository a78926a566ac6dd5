// hearth: the chat window. Loads the QML module's Main.qml; everything else (store, engine process,
// controllers) is declared there and configured from AppOptions (command line / environment).
//   --help, --version   print and exit, without a display and without touching any data
//   --exit-when-ready   quit once the window is up and interactive, printing the start-up time
//                       (used to measure start-up offscreen)
// Any other option AppOptions does not declare is an error (exit 2): a mistyped --data-dir must never
// open the real data.
#include "appoptions.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTimer>
#include <cstdio>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

namespace {

void nameTheApplication()
{
    QCoreApplication::setOrganizationName("Hearth");
    QCoreApplication::setApplicationName("hearth");
    QCoreApplication::setApplicationVersion(HEARTH_VERSION);
}

} // namespace

int main(int argc, char** argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();

    // Step 1: the command line, read before any window, display or data. Help, version and mistakes
    // are answered by a console application, so they work without a display too.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    QCommandLineParser parser;
    AppOptions::declareOptions(parser);
    const bool parsed = parser.parse(arguments);
    const bool help = parsed && (parser.isSet("help") || parser.isSet("help-all"));
    if (!parsed || help || parser.isSet("version")) {
        QCoreApplication console(argc, argv);
        nameTheApplication();
        if (!parsed) {
            std::fprintf(
                stderr, "hearth: %s\n\n%s", qPrintable(parser.errorText()), qPrintable(parser.helpText()));
            return 2;
        }
        if (help)
            std::fputs(qPrintable(parser.helpText()), stdout);
        else
            std::printf("hearth %s\n", HEARTH_VERSION);
        return 0;
    }

    // Step 2: the window.
    QGuiApplication app(argc, argv);
    nameTheApplication();
    QGuiApplication::setApplicationDisplayName("Hearth");
    // A style that follows our Theme colours on every platform.
    QQuickStyle::setStyle("Basic");

    QQmlApplicationEngine engine;
    engine.addImportPath("qrc:/");
    const bool exitWhenReady = parser.isSet("exit-when-ready");
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(1); },
        Qt::QueuedConnection);
    engine.load(QUrl("qrc:/Hearth/Main.qml"));
    if (engine.rootObjects().isEmpty()) return 1;

    if (exitWhenReady) {
        // Interactive = the first frame of the window has been rendered.
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
        if (window) {
            QObject::connect(
                window, &QQuickWindow::frameSwapped, &app,
                [&sinceStart] {
                    std::printf("hearth: interactive window after %.1f ms\n",
                        double(sinceStart.nsecsElapsed()) / 1e6);
                    std::fflush(stdout);
                    QTimer::singleShot(0, qApp, &QCoreApplication::quit);
                },
                Qt::SingleShotConnection);
        }
    }
    return app.exec();
}
