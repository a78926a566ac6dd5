// SettingsController: the app-wide settings (sampling, context, device, theme, system prompt),
// read from and written to the store's settings table. Per-conversation overrides live with the
// conversation (ChatController::overrides); effectiveSampler() merges the two.
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

class ChatStore;

class SettingsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_MOC_INCLUDE("chatstore.h")
    Q_PROPERTY(ChatStore* store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY loadedChanged)
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY changed)
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY changed)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY changed)
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY changed)
    Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY changed)
    Q_PROPERTY(double repeatPenalty READ repeatPenalty WRITE setRepeatPenalty NOTIFY changed)
    Q_PROPERTY(int seed READ seed WRITE setSeed NOTIFY changed)
    Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY changed)
    Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY changed)
    Q_PROPERTY(QString backend READ backend WRITE setBackend NOTIFY changed)
    Q_PROPERTY(int device READ device WRITE setDevice NOTIFY changed)
    // CPU threads for the model; 0: the machine's physical cores.
    Q_PROPERTY(int cpuThreads READ cpuThreads WRITE setCpuThreads NOTIFY changed)
    // On a GPU, the first load of a model there times the kernels' variants ("Tuning for your GPU…").
    Q_PROPERTY(bool tuneKernels READ tuneKernels WRITE setTuneKernels NOTIFY changed)
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY changed)
    // The window's size when it was last closed (0: never saved) and whether it was maximized.
    Q_PROPERTY(int windowWidth READ windowWidth WRITE setWindowWidth NOTIFY changed)
    Q_PROPERTY(int windowHeight READ windowHeight WRITE setWindowHeight NOTIFY changed)
    Q_PROPERTY(bool windowMaximized READ windowMaximized WRITE setWindowMaximized NOTIFY changed)
    // Where downloaded models go; empty: DATA_DIR/models.
    Q_PROPERTY(QString modelsFolder READ modelsFolder WRITE setModelsFolder NOTIFY changed)
    // Where "Check for a newer list" fetches the model catalog; empty: the project's (HEARTH_CATALOG_URL).
    Q_PROPERTY(QString catalogUrl READ catalogUrl WRITE setCatalogUrl NOTIFY changed)

public:
    explicit SettingsController(QObject* parent = nullptr);

    ChatStore* store() const { return m_store; }
    void setStore(ChatStore* store);
    bool loaded() const { return m_loaded; }

    QString systemPrompt() const { return value("systemPrompt").toString(); }
    double temperature() const { return value("temperature").toDouble(); }
    int topK() const { return value("topK").toInt(); }
    double topP() const { return value("topP").toDouble(); }
    double minP() const { return value("minP").toDouble(); }
    double repeatPenalty() const { return value("repeatPenalty").toDouble(); }
    int seed() const { return value("seed").toInt(); }
    int maxTokens() const { return value("maxTokens").toInt(); }
    int contextSize() const { return value("contextSize").toInt(); }
    QString backend() const { return value("backend").toString(); }
    int device() const { return value("device").toInt(); }
    int cpuThreads() const { return value("cpuThreads").toInt(); }
    bool tuneKernels() const { return value("tuneKernels").toBool(); }
    QString theme() const { return value("theme").toString(); }
    int windowWidth() const { return value("windowWidth").toInt(); }
    int windowHeight() const { return value("windowHeight").toInt(); }
    bool windowMaximized() const { return value("windowMaximized").toBool(); }
    QString modelsFolder() const { return value("modelsFolder").toString(); }
    QString catalogUrl() const { return value("catalogUrl").toString(); }

    void setSystemPrompt(const QString& v) { setValue("systemPrompt", v); }
    void setTemperature(double v) { setValue("temperature", qBound(0.0, v, 5.0)); }
    void setTopK(int v) { setValue("topK", qMax(0, v)); }
    void setTopP(double v) { setValue("topP", qBound(0.0, v, 1.0)); }
    void setMinP(double v) { setValue("minP", qBound(0.0, v, 1.0)); }
    void setRepeatPenalty(double v) { setValue("repeatPenalty", qBound(0.5, v, 3.0)); }
    void setSeed(int v) { setValue("seed", qMax(0, v)); }
    void setMaxTokens(int v) { setValue("maxTokens", qBound(1, v, 32768)); }
    void setContextSize(int v) { setValue("contextSize", qMax(0, v)); }
    void setBackend(const QString& v) { setValue("backend", v); }
    void setDevice(int v) { setValue("device", v); }
    void setCpuThreads(int v) { setValue("cpuThreads", qBound(0, v, 256)); }
    void setTuneKernels(bool v) { setValue("tuneKernels", v); }
    void setTheme(const QString& v) { setValue("theme", v); }
    void setWindowWidth(int v) { setValue("windowWidth", qMax(0, v)); }
    void setWindowHeight(int v) { setValue("windowHeight", qMax(0, v)); }
    void setWindowMaximized(bool v) { setValue("windowMaximized", v); }
    void setModelsFolder(const QString& v) { setValue("modelsFolder", v); }
    void setCatalogUrl(const QString& v) { setValue("catalogUrl", v.trimmed()); }

    // The sampler JSON the engine takes, global values overridden by `overrides` (same keys).
    QJsonObject effectiveSampler(const QVariantMap& overrides) const;
    int effectiveMaxTokens(const QVariantMap& overrides) const;
    Q_INVOKABLE QVariant effective(const QString& key, const QVariantMap& overrides) const;
    // Back to the defaults, all but the window's remembered size, the models folder and the catalog URL.
    Q_INVOKABLE void resetToDefaults();
    static QVariantMap defaults();

signals:
    void storeChanged();
    void loadedChanged();
    void changed();

private:
    QVariant value(const QString& key) const;
    void setValue(const QString& key, const QVariant& v);
    void load();

    QPointer<ChatStore> m_store;
    QVariantMap m_values;
    bool m_loaded = false;
};
