#include "catalogrefresh.h"

#include "networkerror.h"

#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSaveFile>

namespace hearth::download {

namespace {

constexpr int kTimeoutMs = 30000;

} // namespace

CatalogRefresh::CatalogRefresh(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<hearth::download::Catalog>();
}

bool CatalogRefresh::running() const
{
    return m_reply != nullptr;
}

bool CatalogRefresh::start(const QUrl& url, int currentVersion, const QString& savePath)
{
    if (running()) return false;
    if (!m_network) {
        // Proxies come from the environment (http_proxy, https_proxy, no_proxy), as for downloads; an
        // https list is never followed to plain http.
        m_network = new QNetworkAccessManager(this);
        m_network->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
    }
    m_currentVersion = currentVersion;
    m_savePath = savePath;
    m_tooLarge = false;
    QNetworkRequest request(url);
    request.setTransferTimeout(kTimeoutMs);
    m_reply = m_network->get(request);
    // A "list" far larger than any catalog is not read to its end.
    connect(m_reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if ((received > kMaxBytes || total > kMaxBytes) && m_reply) {
            m_tooLarge = true;
            m_reply->abort();
        }
    });
    connect(m_reply, &QNetworkReply::finished, this, &CatalogRefresh::onFinished);
    return true;
}

void CatalogRefresh::onFinished()
{
    QNetworkReply* reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    const QString host = reply->url().host();
    const auto fail = [&](const QString& why) {
        emit finished(
            false, why + ' ' + tr("The list shown (version %1) is kept.").arg(m_currentVersion), {});
    };

    if (m_tooLarge)
        return fail(tr("The list at %1 is larger than %2 MiB, which no catalog is.")
                        .arg(reply->url().toString())
                        .arg(kMaxBytes >> 20));
    if (reply->error() != QNetworkReply::NoError) return fail(failureText(reply));
    const QByteArray json = reply->readAll();
    auto fetched = parseCatalog(json);
    if (!fetched)
        return fail(tr("The list from %1 is not a catalog this Hearth can use (%2).")
                        .arg(host, QString::fromStdString(fetched.error().message)));
    if (fetched->version <= m_currentVersion)
        return emit finished(false,
            tr("The list at %1 is version %2, not newer than the one shown (version %3): nothing to update.")
                .arg(host)
                .arg(fetched->version)
                .arg(m_currentVersion),
            {});
    QDir().mkpath(QFileInfo(m_savePath).absolutePath());
    QSaveFile saved(m_savePath);
    if (!saved.open(QIODevice::WriteOnly) || saved.write(json) != json.size() || !saved.commit())
        return fail(tr("The newer list (version %1) could not be saved in %2: %3.")
                        .arg(fetched->version)
                        .arg(QDir::toNativeSeparators(m_savePath), saved.errorString()));
    emit finished(true, tr("The catalog was updated to version %1.").arg(fetched->version), *fetched);
}

QString CatalogRefresh::failureText(QNetworkReply* reply) const
{
    const QString connection = connectionFailureText(reply);
    if (!connection.isEmpty()) return connection;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 404) return tr("There is no catalog at %1 (HTTP 404).").arg(reply->url().toString());
    if (status >= 400)
        return tr("%1 answered HTTP %2 for %3.")
            .arg(reply->url().host())
            .arg(status)
            .arg(reply->url().toString());
    return tr("The list could not be fetched from %1: %2.").arg(reply->url().host(), reply->errorString());
}

} // namespace hearth::download
