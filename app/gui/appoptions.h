// Start-up options of one QML engine: where the database lives, which engine program to run and
// which model to load first. Read from the command line (or, for tests, from the QQmlEngine's
// "hearthArguments" property), so every engine gets its own: no process-wide instance.
//   --data-dir DIR     database and recent files here (else $HEARTH_DATA_DIR, else ~/.local/share/hearth)
//   --engine PATH      the engine program (else $HEARTH_ENGINE, else hearth-engine beside the app)
//   --model PATH       load this model at start (else the last one used, else the bundled one)
//   --no-autoload      start without loading a model
// main() declares the same options (declareOptions) to answer --help and --version and to refuse an
// option it does not know before a window opens or any data is touched.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

class QCommandLineParser;
class QQmlEngine;
class QJSEngine;

class AppOptions : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString dataDir READ dataDir CONSTANT)
    Q_PROPERTY(QString databasePath READ databasePath CONSTANT)
    Q_PROPERTY(QString enginePath READ enginePath CONSTANT)
    Q_PROPERTY(QString startModel READ startModel CONSTANT)
    Q_PROPERTY(QString bundledModel READ bundledModel CONSTANT)
    Q_PROPERTY(bool autoLoad READ autoLoad CONSTANT)

public:
    explicit AppOptions(const QStringList& arguments, QObject* parent = nullptr);
    static AppOptions* create(QQmlEngine* qmlEngine, QJSEngine* jsEngine);

    QString dataDir() const { return m_dataDir; }
    QString databasePath() const;
    QString enginePath() const { return m_enginePath; }
    QString startModel() const { return m_startModel; }
    QString bundledModel() const { return m_bundledModel; }
    bool autoLoad() const { return m_autoLoad; }

    // The window's command line, declared once: the options above, --exit-when-ready, --help,
    // --version, and Qt's own (-platform, -style, ...) so that those pass through. Single-dash words
    // are read as long options, as Qt reads its own.
    static void declareOptions(QCommandLineParser& parser);
    // Where the data lives when nothing says otherwise: $XDG_DATA_HOME/hearth (~/.local/share/hearth).
    // Earlier versions kept it in ~/.local/share/Hearth/hearth; a database found there is moved here
    // (the whole folder, so nothing is left behind), or used where it is when it cannot be moved.
    static QString defaultDataDir();
    // The stories260K file shipped with the app: installed data dir first, then the source tree.
    static QString findBundledModel();

private:
    QString m_dataDir;
    QString m_enginePath;
    QString m_startModel;
    QString m_bundledModel;
    bool m_autoLoad = true;
};
