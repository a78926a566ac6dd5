#include "apiservercontroller.h"

#include "apikey.h"
#include "keychainsecretstore.h"
#include "storage/settings.h"

#include <QClipboard>
#include <QGuiApplication>

using hearth::storage::Database;

namespace {

constexpr const char* kKeyName = "api-server-key";

// Why the key could not be read or kept, in the secret store's own words.
QString secretStoreProblem(const SecretOutcome& outcome)
{
    if (outcome.status == SecretOutcome::Status::Denied)
        return ApiServerController::tr("The desktop's secret store refused access (%1).").arg(outcome.detail);
    return ApiServerController::tr("The desktop's secret store is not available (%1).").arg(outcome.detail);
}
constexpr const char* kSettingPrefix = "apiServer.";

} // namespace

ApiServerController::ApiServerController(QObject* parent)
    : QObject(parent)
{
}

void ApiServerController::setEngine(EngineClient* engine)
{
    if (engine == m_engine) return;
    if (m_engine) disconnect(m_engine, nullptr, this, nullptr);
    m_engine = engine;
    emit engineChanged();
    if (!m_engine) return;
    connect(m_engine, &EngineClient::servingStarted, this, [this](const QVariantMap& serving) {
        if (!m_enabled) return;
        m_address = serving.value("url").toString();
        m_modelId = serving.value("model").toString();
        setStatus(State::Running);
    });
    connect(m_engine, &EngineClient::servingFailed, this,
        [this](const QString&, const QString& message) { setStatus(State::Failed, message); });
    connect(m_engine, &EngineClient::servingStopped, this, [this] {
        if (m_state != State::Failed && !m_enabled) setStatus(State::Off);
    });
    connect(m_engine, &EngineClient::servedRequests, this, [this](int requests) {
        m_requestsServed = requests;
        emit statusChanged();
    });
    // The server goes with a crashed engine; EngineClient asks the new one to serve again.
    connect(m_engine, &EngineClient::engineCrashed, this, [this] {
        if (m_state == State::Running) setStatus(State::Starting);
    });
    apply();
}

void ApiServerController::setStore(ChatStore* store)
{
    if (store == m_store) return;
    m_store = store;
    emit storeChanged();
    if (!m_store) return;
    m_store->whenReady(this, [this] { loadSettings(); });
}

void ApiServerController::setSecretStore(SecretStore* secrets)
{
    m_secrets = secrets;
}

void ApiServerController::loadSettings()
{
    m_store->async().post(
        this, [](Database& db) { return hearth::storage::Settings(db).all(); },
        [this](hearth::Result<std::map<std::string, std::string>> result) {
            if (result.ok()) {
                for (const auto& [key, text] : result.value()) {
                    const QString name = QString::fromStdString(key);
                    if (!name.startsWith(kSettingPrefix)) continue;
                    const QString value = QString::fromStdString(text);
                    const QString field = name.mid(int(qstrlen(kSettingPrefix)));
                    if (field == "enabled") m_enabled = value == "true";
                    if (field == "allInterfaces") m_allInterfaces = value == "true";
                    if (field == "port") {
                        bool ok = false;
                        const int port = value.toInt(&ok);
                        if (ok && port >= 1 && port <= 65535) {
                            m_port = port;
                            m_portChosen = true;
                        }
                    }
                }
            }
            m_settingsLoaded = true;
            emit settingsChanged();
            apply();
        });
}

void ApiServerController::saveSetting(const QString& name, const QVariant& value)
{
    if (!m_store) return;
    const std::string key = (kSettingPrefix + name).toStdString();
    const std::string text = value.typeId() == QMetaType::Bool ? (value.toBool() ? "true" : "false")
                                                               : value.toString().toStdString();
    m_store->async().post([key, text](Database& db) { return hearth::storage::Settings(db).set(key, text); });
}

void ApiServerController::setEnabled(bool enabled)
{
    if (enabled == m_enabled) return;
    m_enabled = enabled;
    saveSetting("enabled", enabled);
    emit settingsChanged();
    apply();
}

void ApiServerController::setPort(int port)
{
    port = qBound(1, port, 65535);
    if (port == m_port && m_portChosen) return;
    m_port = port;
    m_portChosen = true;
    saveSetting("port", port);
    emit settingsChanged();
    if (m_enabled) apply();
}

void ApiServerController::setAllInterfaces(bool allInterfaces)
{
    if (allInterfaces == m_allInterfaces) return;
    m_allInterfaces = allInterfaces;
    saveSetting("allInterfaces", allInterfaces);
    emit settingsChanged();
    if (m_enabled) apply();
}

void ApiServerController::apply()
{
    if (!m_engine) return;
    if (m_enabled) {
        setStatus(State::Starting);
        withKey([this] { startServer(); });
    } else if (m_state != State::Off) {
        m_engine->stopServing();
        setStatus(State::Off);
    }
}

void ApiServerController::startServer()
{
    if (!m_enabled || !m_engine || m_apiKey.isEmpty()) return;
    m_requestsServed = 0;
    // Loopback unless the user chose otherwise, knowing the warning the settings show.
    m_engine->startServing(m_allInterfaces ? QStringLiteral("0.0.0.0") : QStringLiteral("127.0.0.1"), m_port,
        m_apiKey, !m_portChosen);
}

void ApiServerController::withKey(std::function<void()> then)
{
    if (!m_apiKey.isEmpty()) return then();
    if (m_keyPending) return; // the read under way starts the server when it ends
    if (!m_secrets) m_secrets = new KeychainSecretStore(this);
    m_keyPending = true;
    m_secrets->read(kKeyName, [this](const SecretOutcome& read) {
        m_keyPending = false;
        auto start = [this] {
            if (m_enabled) startServer();
        };
        if (read.status == SecretOutcome::Status::Ok && !read.secret.isEmpty()) {
            m_apiKey = read.secret;
            m_keyNotice.clear();
            emit keyChanged();
            start();
        } else if (read.status != SecretOutcome::Status::NotFound
            && read.status != SecretOutcome::Status::Ok) {
            // No secret store: a key for this session only, never written to a file.
            const auto key = hearth::server::generateApiKey();
            if (!key)
                return setStatus(
                    State::Failed, tr("Cannot make an API key: the system's random source failed."));
            m_apiKey = QString::fromStdString(*key);
            m_keyNotice = secretStoreProblem(read) + ' '
                + tr("This key is kept for this session only; programs need the new one after Hearth "
                     "restarts.");
            emit keyChanged();
            start();
        } else {
            useNewKey(start);
        }
    });
}

void ApiServerController::useNewKey(std::function<void()> then)
{
    const auto key = hearth::server::generateApiKey();
    if (!key)
        return setStatus(State::Failed, tr("Cannot make an API key: the system's random source failed."));
    m_apiKey = QString::fromStdString(*key);
    emit keyChanged();
    if (!m_secrets) m_secrets = new KeychainSecretStore(this);
    m_secrets->write(kKeyName, m_apiKey, [this](const SecretOutcome& written) {
        m_keyNotice = written.status == SecretOutcome::Status::Ok ? QString()
                                                                  : secretStoreProblem(written) + ' '
                + tr("This key is kept for this session only; programs need the new one after Hearth "
                     "restarts.");
        emit keyChanged();
    });
    then();
}

void ApiServerController::regenerateKey()
{
    useNewKey([this] {
        if (m_enabled) {
            setStatus(State::Starting);
            startServer();
        }
    });
}

void ApiServerController::copyKey() const
{
    if (auto* clipboard = QGuiApplication::clipboard()) clipboard->setText(m_apiKey);
}

void ApiServerController::copyAddress() const
{
    if (auto* clipboard = QGuiApplication::clipboard()) clipboard->setText(m_address);
}

void ApiServerController::setStatus(State state, const QString& error)
{
    if (state != State::Running) {
        m_address.clear();
        m_modelId.clear();
    }
    m_state = state;
    m_error = error;
    emit statusChanged();
}
