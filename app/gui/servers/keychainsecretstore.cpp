// KeychainSecretStore: one qtkeychain job per call, its error mapped to what the user can do.
#include "keychainsecretstore.h"

#include <qt6keychain/keychain.h>

namespace {

// Entries (remote servers' keys, the API server's key) appear in the desktop's password manager
// under this service name.
const QString kService = QStringLiteral("Hearth");

SecretOutcome outcomeOf(const QKeychain::Job& job)
{
    SecretOutcome outcome;
    outcome.detail = job.errorString();
    switch (job.error()) {
    case QKeychain::NoError:
        outcome.status = SecretOutcome::Status::Ok;
        break;
    case QKeychain::EntryNotFound:
        outcome.status = SecretOutcome::Status::NotFound;
        break;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        outcome.status = SecretOutcome::Status::Denied;
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        outcome.status = SecretOutcome::Status::Unavailable;
        break;
    case QKeychain::OtherError:
    case QKeychain::CouldNotDeleteEntry:
    default:
        // Without a session bus or a secret service, libsecret and the D-Bus backends report an
        // "other" error naming D-Bus or the missing service: for the user that is "none running".
        outcome.status = outcome.detail.contains("D-Bus", Qt::CaseInsensitive)
                || outcome.detail.contains("DBus", Qt::CaseInsensitive)
                || outcome.detail.contains("org.freedesktop.secrets")
                || outcome.detail.contains("ServiceUnknown")
                || outcome.detail.contains("not provided by any .service files")
            ? SecretOutcome::Status::Unavailable
            : SecretOutcome::Status::Failed;
        break;
    }
    return outcome;
}

template <typename Job> Job* startJob(QObject* parent, const QString& name, SecretStore::Done done)
{
    auto* job = new Job(kService, parent);
    job->setKey(name);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file
    QObject::connect(
        job, &QKeychain::Job::finished, parent, [done = std::move(done)](QKeychain::Job* finished) {
            SecretOutcome outcome = outcomeOf(*finished);
            if (auto* reading = qobject_cast<QKeychain::ReadPasswordJob*>(finished))
                if (outcome.status == SecretOutcome::Status::Ok) outcome.secret = reading->textData();
            done(outcome);
        });
    return job;
}

} // namespace

void KeychainSecretStore::read(const QString& name, Done done)
{
    startJob<QKeychain::ReadPasswordJob>(this, name, std::move(done))->start();
}

void KeychainSecretStore::write(const QString& name, const QString& secret, Done done)
{
    auto* job = startJob<QKeychain::WritePasswordJob>(this, name, std::move(done));
    job->setTextData(secret);
    job->start();
}

void KeychainSecretStore::remove(const QString& name, Done done)
{
    startJob<QKeychain::DeletePasswordJob>(this, name, std::move(done))->start();
}
