// AppOptions: parse the start-up options once per QML engine.
#include "appoptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QQmlEngine>
#include <QStandardPaths>

AppOptions::AppOptions(const QStringList& arguments, QObject* parent)
    : QObject(parent)
{
    // Step 1: options (main() has refused unknown ones already; tests pass theirs through the engine).
    QCommandLineParser parser;
    declareOptions(parser);
    if (!parser.parse(arguments)) qWarning("hearth: %s", qPrintable(parser.errorText()));
    m_dataDir = parser.value("data-dir");
    m_enginePath = parser.value("engine");
    m_startModel = parser.value("model");
    m_autoLoad = !parser.isSet("no-autoload");
    // Step 2: environment, then platform defaults.
    if (m_dataDir.isEmpty()) m_dataDir = qEnvironmentVariable("HEARTH_DATA_DIR");
    if (m_dataDir.isEmpty()) m_dataDir = defaultDataDir();
    QDir().mkpath(m_dataDir);
    if (m_enginePath.isEmpty()) m_enginePath = qEnvironmentVariable("HEARTH_ENGINE");
    if (m_enginePath.isEmpty()) m_enginePath = QCoreApplication::applicationDirPath() + "/hearth-engine";
    if (!QFileInfo::exists(m_enginePath)) {
        // From the build tree the engine lives in app/engine beside app/gui.
        const QString sibling = QCoreApplication::applicationDirPath() + "/../engine/hearth-engine";
        if (QFileInfo::exists(sibling)) m_enginePath = QFileInfo(sibling).canonicalFilePath();
    }
    m_bundledModel = findBundledModel();
}

AppOptions* AppOptions::create(QQmlEngine* qmlEngine, QJSEngine*)
{
    const QVariant given = qmlEngine ? qmlEngine->property("hearthArguments") : QVariant();
    return new AppOptions(given.isValid() ? given.toStringList() : QCoreApplication::arguments());
}

QString AppOptions::databasePath() const
{
    return QDir(m_dataDir).filePath("hearth.sqlite");
}

void AppOptions::declareOptions(QCommandLineParser& parser)
{
    parser.setApplicationDescription(QCoreApplication::translate(
        "AppOptions", "Hearth: chat with a Llama 3.1 model that runs on this computer."));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addHelpOption();
    parser.addVersionOption();
    auto tr = [](const char* text) { return QCoreApplication::translate("AppOptions", text); };
    parser.addOptions({
        { "data-dir", tr("Keep the database here (default: $HEARTH_DATA_DIR, else ~/.local/share/hearth)."),
            tr("DIR") },
        { "model", tr("Load this GGUF model at start (default: the last one used, else the bundled one)."),
            tr("FILE") },
        { "no-autoload", tr("Start without loading a model.") },
        { "engine", tr("The engine program (default: $HEARTH_ENGINE, else hearth-engine beside hearth)."),
            tr("PATH") },
        { "exit-when-ready", tr("Quit once the window is interactive, printing the start-up time.") },
    });
    // Qt's own options (QGuiApplication, X11, Qt Quick Controls): accepted, not listed.
    const QStringList qtValues { "platform", "platformpluginpath", "platformtheme", "plugin", "qmljsdebugger",
        "qwindowgeometry", "qwindowicon", "qwindowtitle", "session", "display", "geometry", "style" };
    for (const QString& name : qtValues) {
        QCommandLineOption option(name, QString(), QStringLiteral("value"));
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
    for (const QString& name : { QStringLiteral("reverse"), QStringLiteral("nograb"),
             QStringLiteral("dograb"), QStringLiteral("sync") }) {
        QCommandLineOption option(name);
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
}

QString AppOptions::defaultDataDir()
{
    const QString shared = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    const QString dir = shared + "/hearth";
    const QString before = shared + "/Hearth/hearth"; // Qt's AppDataLocation for "Hearth"/"hearth"
    const QString database = "/hearth.sqlite";
    if (QFileInfo::exists(dir + database) || !QFileInfo::exists(before + database)) return dir;
    // Move the old folder (database, its journal, recent files) whole; an empty folder in the way
    // goes first. Where that fails (a folder with other files, a case-insensitive file system on
    // which the two names are one), the data stays and is used where it is.
    QDir().rmdir(dir);
    if (!QDir().rename(before, dir)) return before;
    QDir().rmdir(shared + "/Hearth"); // only when nothing else is in it
    return dir;
}

QString AppOptions::findBundledModel()
{
    const QString name = "models/stories260K.gguf";
    QStringList candidates;
    // Installed: <prefix>/share/hearth/models (the XDG data dirs), or beside the binary's share/.
    for (const QString& dir : QStandardPaths::standardLocations(QStandardPaths::GenericDataLocation))
        candidates << QDir(dir).filePath("hearth/" + name);
    candidates << QCoreApplication::applicationDirPath() + "/../share/hearth/" + name;
#ifdef HEARTH_SOURCE_RESOURCES
    // Running from a build tree: the source tree's resources/.
    candidates << QStringLiteral(HEARTH_SOURCE_RESOURCES "/") + name;
#endif
    for (const QString& c : candidates)
        if (QFileInfo::exists(c)) return QFileInfo(c).canonicalFilePath();
    return {};
}
