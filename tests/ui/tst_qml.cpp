// Qt Quick Test runner for the QML components (tests/ui/qml/tst_*.qml). Each engine gets start-up
// options through its "hearthArguments" property: a temporary data dir, the fake engine and a fake
// model file, so components can be tried with real controllers.
#include <QDir>
#include <QFile>
#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QTemporaryDir>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

class Setup : public QObject {
    Q_OBJECT

public slots:
    void qmlEngineAvailable(QQmlEngine* engine)
    {
        engine->addImportPath("qrc:/");
        const QString model = m_dir.filePath("fake.gguf");
        QFile f(model);
        if (f.open(QIODevice::WriteOnly)) f.write("GGUF....");
        // A fresh database per engine (Qt Quick Test makes one engine per test file).
        const QString data = m_dir.filePath(QString("data-%1").arg(++m_engines));
        QDir().mkpath(data);
        engine->setProperty("hearthArguments",
            QStringList { "tst_qml", "--data-dir", data, "--engine", HEARTH_FAKE_ENGINE, "--model", model });
    }

private:
    QTemporaryDir m_dir;
    int m_engines = 0;
};

QUICK_TEST_MAIN_WITH_SETUP(hearth_qml, Setup)
#include "tst_qml.moc"
