// ApiServerController: Settings → "API server". Other programs use the loaded model through the
// OpenAI-compatible API that the engine process serves (EngineClient::startServing,
// docs/protocol.md): this object keeps the user's choices (on/off, port, loopback or every
// interface) in the settings table, the bearer key in the desktop's secret store, and shows what the
// server is doing (address, model, requests, why it failed).
//   - The key is required, made on first use (hearth::server::generateApiKey) and kept in the secret
//     store. Without a secret store the key lives for this session only, and keyNotice says so; it
//     is never written to a plain file.
//   - The port is 8080 until the user picks one; while it is not picked a taken 8080 moves on to
//     the next free port, a picked one that is taken is an error saying so.
#pragma once

#include "chatstore.h"
#include "engineclient.h"
#include "secretstore.h"

#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

class ApiServerController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(EngineClient* engine READ engine WRITE setEngine NOTIFY engineChanged)
    Q_PROPERTY(ChatStore* store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(bool enabled READ enabled WRITE setEnabled NOTIFY settingsChanged)
    Q_PROPERTY(int port READ port WRITE setPort NOTIFY settingsChanged)
    Q_PROPERTY(bool allInterfaces READ allInterfaces WRITE setAllInterfaces NOTIFY settingsChanged)
    Q_PROPERTY(State state READ state NOTIFY statusChanged)
    Q_PROPERTY(QString error READ error NOTIFY statusChanged)
    Q_PROPERTY(QString address READ address NOTIFY statusChanged)
    Q_PROPERTY(QString modelId READ modelId NOTIFY statusChanged)
    Q_PROPERTY(int requestsServed READ requestsServed NOTIFY statusChanged)
    Q_PROPERTY(QString apiKey READ apiKey NOTIFY keyChanged)
    Q_PROPERTY(QString keyNotice READ keyNotice NOTIFY keyChanged)

public:
    enum class State { Off, Starting, Running, Failed };
    Q_ENUM(State)
    static constexpr int kDefaultPort = 8080;

    explicit ApiServerController(QObject* parent = nullptr);

    EngineClient* engine() const { return m_engine; }
    void setEngine(EngineClient* engine);
    ChatStore* store() const { return m_store; }
    void setStore(ChatStore* store);
    // Where the key is kept; the desktop's secret store unless a test gives another (before enabling).
    void setSecretStore(SecretStore* secrets);

    bool enabled() const { return m_enabled; }
    void setEnabled(bool enabled);
    int port() const { return m_port; }
    void setPort(int port);
    bool allInterfaces() const { return m_allInterfaces; }
    void setAllInterfaces(bool allInterfaces);

    State state() const { return m_state; }
    QString error() const { return m_error; }
    QString address() const { return m_address; }
    QString modelId() const { return m_modelId; }
    int requestsServed() const { return m_requestsServed; }
    QString apiKey() const { return m_apiKey; }
    QString keyNotice() const { return m_keyNotice; }

    // A new key: the old one stops working at once (a running server restarts with the new one).
    Q_INVOKABLE void regenerateKey();
    Q_INVOKABLE void copyKey() const;
    Q_INVOKABLE void copyAddress() const;

signals:
    void engineChanged();
    void storeChanged();
    void settingsChanged();
    void statusChanged();
    void keyChanged();

private:
    void loadSettings();
    void saveSetting(const QString& name, const QVariant& value);
    // Reads (or makes and stores) the key, then starts the server.
    void withKey(std::function<void()> then);
    void useNewKey(std::function<void()> then);
    void startServer();
    void apply(); // the settings changed: start, restart or stop
    void setStatus(State state, const QString& error = {});

    QPointer<EngineClient> m_engine;
    QPointer<ChatStore> m_store;
    SecretStore* m_secrets = nullptr;
    bool m_settingsLoaded = false;
    bool m_enabled = false;
    int m_port = kDefaultPort;
    bool m_portChosen = false;
    bool m_allInterfaces = false;
    State m_state = State::Off;
    QString m_error;
    QString m_address;
    QString m_modelId;
    int m_requestsServed = 0;
    QString m_apiKey;
    QString m_keyNotice;
    bool m_keyPending = false;
};
