// ModelController: which model is loaded and how loading goes — open a GGUF (file dialog or drop),
// recent models, the loaded model's facts, progress, the device list, and the honest label of the
// bundled story model.
#pragma once

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

class ChatStore;
class EngineClient;
class SettingsController;

class ModelController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_MOC_INCLUDE("chatstore.h")
    Q_MOC_INCLUDE("engineclient.h")
    Q_MOC_INCLUDE("settingscontroller.h")
    Q_PROPERTY(EngineClient* engine READ engine WRITE setEngine NOTIFY engineChanged)
    Q_PROPERTY(SettingsController* settings READ settings WRITE setSettings NOTIFY settingsChanged)
    Q_PROPERTY(ChatStore* store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(QString bundledModel READ bundledModel WRITE setBundledModel NOTIFY bundledModelChanged)
    // "none" | "loading" | "loaded" | "error" (nothing loaded: the last load failed). A load that fails
    // while a model is loaded leaves it "loaded", with the failure in `error`.
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    // While loading: the engine is tuning the kernels for the GPU (progress is the tuning's).
    Q_PROPERTY(bool tuning READ tuning NOTIFY progressChanged)
    Q_PROPERTY(QVariantMap info READ info NOTIFY stateChanged)
    Q_PROPERTY(QString displayName READ displayName NOTIFY stateChanged)
    Q_PROPERTY(QString summary READ summary NOTIFY stateChanged)
    // The model info view's rows: { label, value } (modeldetails.h).
    Q_PROPERTY(QVariantList details READ details NOTIFY stateChanged)
    Q_PROPERTY(bool storyModel READ storyModel NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged) // the last load's failure, for the user
    // After a failed load on the GPU, what can be offered: a smaller context (the model did not fit
    // with this one), the CPU (no memory, no device, a lost device). Also while the previous model
    // is still loaded.
    Q_PROPERTY(bool canFitContext READ canFitContext NOTIFY stateChanged)
    Q_PROPERTY(bool canUseCpu READ canUseCpu NOTIFY stateChanged)
    Q_PROPERTY(QString loadingPath READ loadingPath NOTIFY stateChanged)
    Q_PROPERTY(QStringList recentModels READ recentModels NOTIFY recentModelsChanged)
    Q_PROPERTY(QVariantList devices READ devices NOTIFY devicesChanged)

public:
    explicit ModelController(QObject* parent = nullptr);

    EngineClient* engine() const { return m_engine; }
    void setEngine(EngineClient* engine);
    SettingsController* settings() const { return m_settings; }
    void setSettings(SettingsController* settings);
    ChatStore* store() const { return m_store; }
    void setStore(ChatStore* store);
    QString bundledModel() const { return m_bundledModel; }
    void setBundledModel(const QString& path);

    QString state() const { return m_state; }
    double progress() const { return m_progress; }
    bool tuning() const { return m_tuning; }
    QVariantMap info() const { return m_info; }
    QString displayName() const;
    QString summary() const;
    QVariantList details() const;
    bool storyModel() const;
    QString error() const { return m_error; }
    bool canFitContext() const;
    bool canUseCpu() const;
    QString loadingPath() const { return m_loadingPath; }
    QStringList recentModels() const { return m_recent; }
    QVariantList devices() const { return m_devices; }

    // A path or a file:// URL (from FileDialog or a drop). Non-GGUF names are refused here.
    Q_INVOKABLE bool open(const QVariant& pathOrUrl);
    // A model on an OpenAI-compatible server (baseUrl up to and including "/v1") instead of a file.
    // `label` names it in the bar and in the conversations made with it ("model @ server"); by
    // default the model's id.
    Q_INVOKABLE void openRemote(
        const QString& baseUrl, const QString& apiKey, const QString& model, const QString& label = {});
    // A model could not even be asked for (e.g. its server's key cannot be read): shown as a failed
    // load, keeping what is loaded.
    Q_INVOKABLE void reportError(const QString& message);
    // At start: `preferred` if given, else the most recent model that still exists, else the bundled one.
    Q_INVOKABLE void loadAtStart(const QString& preferred);
    Q_INVOKABLE void reload(); // same file with the current context/device settings
    Q_INVOKABLE void refreshDevices();
    // The offers above: load the file that failed again, with the largest context that fits the GPU,
    // or on the CPU. For this load only; the settings stay as they are.
    Q_INVOKABLE void retryWithFittingContext();
    Q_INVOKABLE void retryOnCpu();
    // The user has read the failure shown beside a model that is still loaded.
    Q_INVOKABLE void dismissError();

signals:
    void engineChanged();
    void settingsChanged();
    void storeChanged();
    void bundledModelChanged();
    void stateChanged();
    void progressChanged();
    void recentModelsChanged();
    void devicesChanged();

private:
    struct LoadChoice {
        QString backend; // empty: the settings' backend
        bool fitContext = false;
    };
    void load(const QString& path); // as the settings say
    void load(const QString& path, const LoadChoice& choice);
    QString loadErrorText(const QString& engineMessage) const;
    void fail(const QString& message);
    void setState(const QString& state);
    void rememberRecent(const QString& path);
    void readRecent();

    QPointer<EngineClient> m_engine;
    QPointer<SettingsController> m_settings;
    QPointer<ChatStore> m_store;
    QString m_bundledModel;
    QString m_state = "none";
    double m_progress = 0;
    bool m_tuning = false;
    QVariantMap m_info;
    QString m_error;
    QString m_errorCode; // hearth::ErrorCode's name for a failed load
    LoadChoice m_lastChoice; // how the last load was asked for, with the backend it named
    QString m_loadingPath;
    QString m_remoteLabel; // the loaded server model's label ("model @ server")
    QString m_pendingRemoteLabel; // the one being connected
    QStringList m_recent;
    QVariantList m_devices;
    QString m_pendingStart; // loadAtStart before recent models were read
    bool m_startPending = false;
};
