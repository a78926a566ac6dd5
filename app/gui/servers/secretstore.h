// SecretStore: where the API keys of remote servers live. In the app, the desktop's secret service
// through qtkeychain (KeychainSecretStore); in the tests, a map. Asynchronous, as the secret service
// is (it may ask the user to unlock it): each call answers once, on the caller's thread.
#pragma once

#include <QObject>
#include <QString>
#include <functional>

struct SecretOutcome {
    enum class Status {
        Ok,
        NotFound, // nothing stored under that name
        Unavailable, // no secret service answers (none running, no D-Bus session, none installed)
        Denied, // the user or the service refused
        Failed, // anything else; `detail` says what
    };
    Status status = Status::Failed;
    QString secret; // a read's answer
    QString detail; // the secret service's own words, for the message
};

class SecretStore : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const SecretOutcome&)>;
    using QObject::QObject;

    virtual void read(const QString& name, Done done) = 0;
    virtual void write(const QString& name, const QString& secret, Done done) = 0;
    virtual void remove(const QString& name, Done done) = 0;
};
