// ModelController: drive the engine's load, remember recent files, describe what is loaded.
#include "modelcontroller.h"

#include "chatstore.h"
#include "engineclient.h"
#include "modeldetails.h"
#include "settingscontroller.h"
#include "storage/settings.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

using hearth::storage::Database;

namespace {
constexpr const char* kRecentKey = "models.recent";
constexpr int kRecentMax = 8;
} // namespace

ModelController::ModelController(QObject* parent)
    : QObject(parent)
{
}

void ModelController::setEngine(EngineClient* engine)
{
    if (engine == m_engine) return;
    if (m_engine) disconnect(m_engine, nullptr, this, nullptr);
    m_engine = engine;
    emit engineChanged();
    if (!m_engine) return;
    connect(m_engine, &EngineClient::loadProgress, this, [this](double f) {
        m_progress = f;
        m_tuning = false;
        emit progressChanged();
    });
    connect(m_engine, &EngineClient::tuningProgress, this, [this](double f) {
        m_progress = f;
        m_tuning = true;
        emit progressChanged();
    });
    connect(m_engine, &EngineClient::modelLoaded, this, [this](const QVariantMap& info) {
        m_info = info;
        m_remoteLabel = info.value("backend").toString() == "remote" ? m_pendingRemoteLabel : QString();
        m_error.clear();
        m_errorCode.clear();
        m_progress = 1;
        m_tuning = false;
        emit progressChanged();
        rememberRecent(info.value("path").toString());
        setState("loaded");
    });
    connect(m_engine, &EngineClient::loadFailed, this,
        [this](const QString& code, const QString& message, const QVariantMap& stillLoaded) {
            m_errorCode = code;
            m_info = stillLoaded;
            fail(loadErrorText(message));
        });
    connect(m_engine, &EngineClient::engineCrashed, this, [this] {
        // The engine restarts and reloads by itself; until then nothing is loaded.
        if (m_state == "loaded") {
            m_loadingPath = m_info.value("path").toString();
            m_progress = 0;
            m_tuning = false;
            setState("loading");
        }
    });
    connect(m_engine, &EngineClient::devicesListed, this, [this](const QVariantList& devices) {
        m_devices = devices;
        emit devicesChanged();
    });
}

void ModelController::setSettings(SettingsController* settings)
{
    if (settings == m_settings) return;
    m_settings = settings;
    emit settingsChanged();
}

void ModelController::setStore(ChatStore* store)
{
    if (store == m_store) return;
    m_store = store;
    emit storeChanged();
    if (!m_store) return;
    m_store->whenReady(this, [this] { readRecent(); });
}

void ModelController::setBundledModel(const QString& path)
{
    if (path == m_bundledModel) return;
    m_bundledModel = path;
    emit bundledModelChanged();
}

QString ModelController::displayName() const
{
    if (m_info.isEmpty()) return {};
    if (m_info.value("backend").toString() == "remote")
        return m_remoteLabel.isEmpty() ? m_info.value("name").toString() : m_remoteLabel;
    // The file name is what the user chose and recognises; GGUF names are often just "llama".
    const QString file = QFileInfo(m_info.value("path").toString()).fileName();
    return file.isEmpty() ? m_info.value("name").toString() : file;
}

QString ModelController::summary() const
{
    if (m_info.isEmpty()) return {};
    // "260K parameters · F32 · context 512 · CPU"
    const double params = m_info.value("parameterCount").toDouble();
    QString count;
    if (params >= 1e9)
        count = QString::number(params / 1e9, 'f', 1) + "B";
    else if (params >= 1e6)
        count = QString::number(params / 1e6, 'f', 1) + "M";
    else
        count = QString::number(params / 1e3, 'f', 0) + "K";
    QString device = m_info.value("deviceName").toString();
    if (m_info.value("backend").toString() == "remote") return tr("on the server %1").arg(device);
    if (device.isEmpty()) device = m_info.value("backend").toString().toUpper();
    return tr("%1 parameters · %2 · context %3 · %4")
        .arg(count, m_info.value("quantization").toString(),
            QLocale().toString(m_info.value("contextLength").toInt()), device);
}

QVariantList ModelController::details() const
{
    return modelDetails(m_info);
}

bool ModelController::storyModel() const
{
    return QFileInfo(m_info.value("path").toString()).fileName().startsWith("stories260K");
}

bool ModelController::open(const QVariant& pathOrUrl)
{
    QString path = pathOrUrl.toString();
    const QUrl url = pathOrUrl.toUrl();
    if (url.isLocalFile()) path = url.toLocalFile();
    if (!path.endsWith(".gguf", Qt::CaseInsensitive)) {
        m_errorCode.clear();
        fail(tr("Hearth opens GGUF model files (.gguf); %1 is not one.").arg(QFileInfo(path).fileName()));
        return false;
    }
    load(path);
    return true;
}

void ModelController::loadAtStart(const QString& preferred)
{
    m_pendingStart = preferred;
    if (m_store && !m_store->ready()) {
        m_startPending = true; // readRecent() continues once the store is open
        return;
    }
    QString path = preferred;
    for (const QString& r : std::as_const(m_recent))
        if (path.isEmpty() && QFileInfo::exists(r)) path = r;
    if (path.isEmpty()) path = m_bundledModel;
    if (path.isEmpty()) {
        m_errorCode.clear();
        fail(tr("No model yet. Open a Llama 3.1 GGUF file to start."));
        return;
    }
    load(path);
}

void ModelController::reload()
{
    const QString path = m_info.value("path").toString();
    if (!path.isEmpty()) load(path);
}

void ModelController::refreshDevices()
{
    if (m_engine) m_engine->requestDevices();
}

// Only a load that asked for the GPU fails for want of one: "auto" falls back to the CPU by itself.
// (m_errorCode is set by a failed load and cleared when the next one starts or succeeds.)
bool ModelController::canFitContext() const
{
    return m_lastChoice.backend == "vulkan" && m_errorCode == "OutOfMemory" && !m_lastChoice.fitContext;
}

bool ModelController::canUseCpu() const
{
    const bool gpuFailure
        = m_errorCode == "OutOfMemory" || m_errorCode == "NoDevice" || m_errorCode == "DeviceLost";
    return m_lastChoice.backend == "vulkan" && gpuFailure;
}

void ModelController::dismissError()
{
    if (m_error.isEmpty() || m_state != "loaded") return;
    m_error.clear();
    m_errorCode.clear();
    emit stateChanged();
}

void ModelController::retryWithFittingContext()
{
    if (canFitContext()) load(m_loadingPath, { m_lastChoice.backend, true });
}

void ModelController::retryOnCpu()
{
    if (canUseCpu()) load(m_loadingPath, { QStringLiteral("cpu"), false });
}

void ModelController::openRemote(
    const QString& baseUrl, const QString& apiKey, const QString& model, const QString& label)
{
    if (!m_engine) return;
    m_pendingRemoteLabel = label.isEmpty() ? model : label;
    m_loadingPath = m_pendingRemoteLabel;
    m_progress = 0;
    m_tuning = false;
    m_error.clear();
    m_errorCode.clear();
    emit progressChanged();
    setState("loading");
    m_engine->connectRemote(baseUrl, apiKey, model);
}

void ModelController::reportError(const QString& message)
{
    m_errorCode.clear();
    fail(message);
}

void ModelController::load(const QString& path)
{
    load(path, LoadChoice());
}

void ModelController::load(const QString& path, const LoadChoice& choice)
{
    if (!m_engine) return;
    m_loadingPath = path;
    m_progress = 0;
    m_tuning = false;
    m_error.clear();
    m_errorCode.clear();
    m_lastChoice = choice;
    if (m_lastChoice.backend.isEmpty())
        m_lastChoice.backend = m_settings ? m_settings->backend() : QStringLiteral("auto");
    emit progressChanged();
    setState("loading");
    LoadRequest request {
        .path = path, .backend = m_lastChoice.backend, .fitContext = m_lastChoice.fitContext
    };
    if (m_settings) {
        request.device = m_settings->device();
        request.context = m_settings->contextSize();
        request.threads = m_settings->cpuThreads();
        request.tuneKernels = m_settings->tuneKernels();
    }
    m_engine->load(request);
}

// The engine writes its messages as clauses ("the model needs ...", "/path/x.gguf: the file ends
// early ..."); here one stands alone, names the file by its name, and says which model is still loaded.
QString ModelController::loadErrorText(const QString& message) const
{
    const QString file = QFileInfo(m_loadingPath).fileName();
    QString text = message;
    if (!m_loadingPath.isEmpty() && text.startsWith(m_loadingPath + ": "))
        text = text.mid(m_loadingPath.size() + 2);
    if (m_info.isEmpty()) {
        if (text.size() != message.size()) text = file + ": " + text;
        return text.isEmpty() ? text : text.front().toUpper() + text.mid(1);
    }
    if (!text.endsWith('.')) text += '.';
    return tr("%1 could not be loaded: %2 %3 is still loaded.").arg(file, text, displayName());
}

// A failure keeps a loaded model loaded (its error is shown beside it); without one it is the state.
void ModelController::fail(const QString& message)
{
    m_error = message;
    setState(m_info.isEmpty() ? QStringLiteral("error") : QStringLiteral("loaded"));
}

void ModelController::setState(const QString& state)
{
    m_state = state;
    emit stateChanged();
}

void ModelController::rememberRecent(const QString& path)
{
    if (path.isEmpty()) return;
    m_recent.removeAll(path);
    m_recent.prepend(path);
    while (m_recent.size() > kRecentMax)
        m_recent.removeLast();
    emit recentModelsChanged();
    if (!m_store) return;
    const std::string json
        = QJsonDocument(QJsonArray::fromStringList(m_recent)).toJson(QJsonDocument::Compact).toStdString();
    m_store->async().post(
        [json](Database& db) { return hearth::storage::Settings(db).set(kRecentKey, json); });
}

void ModelController::readRecent()
{
    m_store->async().post(
        this, [](Database& db) { return hearth::storage::Settings(db).get(kRecentKey); },
        [this](hearth::Result<std::optional<std::string>> result) {
            if (result.ok() && result.value()) {
                const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(*result.value()));
                for (const QJsonValue& v : doc.array())
                    if (!m_recent.contains(v.toString())) m_recent.append(v.toString());
                emit recentModelsChanged();
            }
            if (m_startPending) {
                m_startPending = false;
                loadAtStart(m_pendingStart);
            }
        });
}
