// KeychainSecretStore: SecretStore over the desktop's secret service with qtkeychain (GNOME Keyring,
// KWallet, KeePassXC's Secret Service on Linux; the Keychain on macOS; the Credential Manager on
// Windows). Its plain-text fallback stays off: a key goes to the secret service or nowhere.
#pragma once

#include "secretstore.h"

class KeychainSecretStore final : public SecretStore {
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    void read(const QString& name, Done done) override;
    void write(const QString& name, const QString& secret, Done done) override;
    void remove(const QString& name, Done done) override;
};
