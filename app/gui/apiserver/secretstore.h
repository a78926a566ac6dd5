// Where the window keeps secrets (the API server's key): an interface with two implementations, the
// desktop's secret store through qtkeychain (KeychainSecretStore: GNOME Keyring, KWallet, or any
// Secret Service) and MemorySecretStore for tests. Both answer asynchronously, on the GUI thread, as
// the desktop's store does (it may ask the user to unlock it).
#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <functional>

struct SecretRead {
    bool found = false;
    QString value;
    QString error; // the store cannot be used (none running, locked, refused): for the user
};

class SecretStore : public QObject {
    Q_OBJECT

public:
    using QObject::QObject;
    virtual void read(const QString& name, std::function<void(const SecretRead&)> done) = 0;
    // `done` gets an empty string when the secret was stored, else why not.
    virtual void write(
        const QString& name, const QString& value, std::function<void(const QString& error)> done)
        = 0;
};

// Secrets in this process's memory. `unavailable` (when not empty) plays a desktop without a secret
// store: every call fails with it.
class MemorySecretStore final : public SecretStore {
    Q_OBJECT

public:
    using SecretStore::SecretStore;
    void read(const QString& name, std::function<void(const SecretRead&)> done) override;
    void write(const QString& name, const QString& value, std::function<void(const QString&)> done) override;

    QHash<QString, QString> secrets;
    QString unavailable;
};

// The desktop's secret store, under the service name "Hearth". Never falls back to a plain file.
class KeychainSecretStore final : public SecretStore {
    Q_OBJECT

public:
    using SecretStore::SecretStore;
    void read(const QString& name, std::function<void(const SecretRead&)> done) override;
    void write(const QString& name, const QString& value, std::function<void(const QString&)> done) override;
};
