// An in-memory SecretStore for the tests: a map that outlives the RemoteServerList using it (as the
// desktop's secret store outlives Hearth), answering on the next turn of the event loop as the real
// one does; `available = false` plays a desktop where no secret service runs.
#pragma once

#include "secretstore.h"

#include <QMap>
#include <QTimer>

class FakeSecretStore final : public SecretStore {
public:
    explicit FakeSecretStore(QObject* parent = nullptr)
        : SecretStore(parent)
    {
    }

    QMap<QString, QString> entries;
    bool available = true;

    void read(const QString& name, Done done) override
    {
        answer(done, [this, name] {
            if (!entries.contains(name)) return SecretOutcome { SecretOutcome::Status::NotFound, {}, {} };
            return SecretOutcome { SecretOutcome::Status::Ok, entries.value(name), {} };
        });
    }
    void write(const QString& name, const QString& secret, Done done) override
    {
        answer(done, [this, name, secret] {
            entries.insert(name, secret);
            return SecretOutcome { SecretOutcome::Status::Ok, {}, {} };
        });
    }
    void remove(const QString& name, Done done) override
    {
        answer(done, [this, name] {
            entries.remove(name);
            return SecretOutcome { SecretOutcome::Status::Ok, {}, {} };
        });
    }

private:
    template <typename Act> void answer(Done done, Act act)
    {
        QTimer::singleShot(0, this, [this, done, act] {
            if (!available)
                return done({ SecretOutcome::Status::Unavailable, {},
                    QStringLiteral(
                        "The name org.freedesktop.secrets was not provided by any .service files") });
            done(act());
        });
    }
};
