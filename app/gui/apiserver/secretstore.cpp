#include "secretstore.h"

#include <QTimer>
#include <qt6keychain/keychain.h>

namespace {

constexpr const char* kService = "Hearth";

QString unavailableMessage(const QString& detail)
{
    return QObject::tr("The desktop's secret store is not available (%1).").arg(detail);
}

} // namespace

void MemorySecretStore::read(const QString& name, std::function<void(const SecretRead&)> done)
{
    SecretRead result;
    if (!unavailable.isEmpty())
        result.error = unavailableMessage(unavailable);
    else if (secrets.contains(name))
        result = { true, secrets.value(name), {} };
    // Later, as the real store answers: callers must not rely on an answer within the call.
    QTimer::singleShot(0, this, [done = std::move(done), result] { done(result); });
}

void MemorySecretStore::write(
    const QString& name, const QString& value, std::function<void(const QString&)> done)
{
    QString error;
    if (!unavailable.isEmpty())
        error = unavailableMessage(unavailable);
    else
        secrets.insert(name, value);
    QTimer::singleShot(0, this, [done = std::move(done), error] { done(error); });
}

void KeychainSecretStore::read(const QString& name, std::function<void(const SecretRead&)> done)
{
    auto* job = new QKeychain::ReadPasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(name);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job* finished) {
        auto* reading = static_cast<QKeychain::ReadPasswordJob*>(finished);
        SecretRead result;
        if (reading->error() == QKeychain::NoError)
            result = { true, reading->textData(), {} };
        else if (reading->error() != QKeychain::EntryNotFound)
            result.error = unavailableMessage(reading->errorString());
        done(result);
    });
    job->start();
}

void KeychainSecretStore::write(
    const QString& name, const QString& value, std::function<void(const QString&)> done)
{
    auto* job = new QKeychain::WritePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(name);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job* finished) {
        done(finished->error() == QKeychain::NoError ? QString()
                                                     : unavailableMessage(finished->errorString()));
    });
    job->start();
}
