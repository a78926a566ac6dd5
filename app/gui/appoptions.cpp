// AppOptions: parse the start-up options once per QML engine.
#include "appoptions.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QQmlEngine>
#include <QStandardPaths>

AppOptions::AppOptions(const QStringList& arguments, QObject* parent) : QObject(parent)
{
    // Step 1: flags (the first argument is the program name).
    for (int i = 1; i < arguments.size(); ++i) {
        const QString& a = arguments[i];
        const QString next = i + 1 < arguments.size() ? arguments[i + 1] : QString();
        if (a == "--data-dir") {
            m_dataDir = next;
            ++i;
        } else if (a == "--engine") {
            m_enginePath = next;
            ++i;
        } else if (a == "--model") {
            m_startModel = next;
            ++i;
        } else if (a == "--no-autoload") {
            m_autoLoad = false;
        }
    }
    // Step 2: environment, then platform defaults.
    if (m_dataDir.isEmpty())
        m_dataDir = qEnvironmentVariable("HEARTH_DATA_DIR");
    if (m_dataDir.isEmpty())
        m_dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(m_dataDir);
    if (m_enginePath.isEmpty())
        m_enginePath = qEnvironmentVariable("HEARTH_ENGINE");
    if (m_enginePath.isEmpty())
        m_enginePath = QCoreApplication::applicationDirPath() + "/hearth-engine";
    if (!QFileInfo::exists(m_enginePath)) {
        // From the build tree the engine lives in app/engine beside app/gui.
        const QString sibling = QCoreApplication::applicationDirPath() + "/../engine/hearth-engine";
        if (QFileInfo::exists(sibling))
            m_enginePath = QFileInfo(sibling).canonicalFilePath();
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

QString AppOptions::findBundledModel()
{
    const QString name = "models/stories260K.gguf";
    QStringList candidates;
    // Installed: <prefix>/share/hearth/models (the data dirs), or beside the binary's share/.
    for (const QString& dir : QStandardPaths::standardLocations(QStandardPaths::AppDataLocation))
        candidates << QDir(dir).filePath(name);
    candidates << QCoreApplication::applicationDirPath() + "/../share/hearth/" + name;
#ifdef HEARTH_SOURCE_RESOURCES
    // Running from a build tree: the source tree's resources/.
    candidates << QStringLiteral(HEARTH_SOURCE_RESOURCES "/") + name;
#endif
    for (const QString& c : candidates)
        if (QFileInfo::exists(c))
            return QFileInfo(c).canonicalFilePath();
    return {};
}
