#include "downloadmanager.h"

#include "download.h"
#include "hubfiles.h"
#include "partfile.h"

#include <QDir>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>

namespace hearth::download {

DownloadManager::DownloadManager(const QString& folder, QObject* parent)
    : QObject(parent)
    , m_folder(folder)
    , m_hub(defaultHubUrl())
    , m_network(new QNetworkAccessManager(this))
{
    qRegisterMetaType<hearth::download::DownloadStatus>();
    // The user's proxy (http_proxy, https_proxy, no_proxy) applies to every request.
    QNetworkProxyFactory::setUseSystemConfiguration(true);
    // The Hub redirects file downloads to its storage; https → http redirects are refused (Qt's default).
    m_network->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

DownloadManager::~DownloadManager() = default;

QList<DownloadStatus> DownloadManager::downloads() const
{
    QList<DownloadStatus> list;
    for (const QString& file : m_order)
        list << m_downloads.value(file)->status();
    return list;
}

void DownloadManager::restore()
{
    QDir().mkpath(m_folder);
    const QStringList sidecars = QDir(m_folder).entryList({ QStringLiteral("*.part.json") }, QDir::Files);
    for (const QString& name : sidecars) {
        auto info = readSidecar(QDir(m_folder).filePath(name));
        if (!info || m_downloads.contains(info->file)) continue;
        emit changed(add(*info)->status());
    }
}

Download* DownloadManager::add(const PartInfo& seed)
{
    auto* download = new Download(*m_network, m_hub, m_folder, seed, this);
    connect(download, &Download::changed, this, &DownloadManager::changed);
    m_downloads.insert(seed.file, download);
    m_order << seed.file;
    return download;
}

void DownloadManager::start(const QString& repo, const QString& file, const QString& catalogKey)
{
    if (file.isEmpty() || file.contains('/') || file.startsWith('.')) return;
    Download* download = m_downloads.value(file);
    if (!download) {
        QDir().mkpath(m_folder);
        PartInfo seed;
        seed.repo = repo;
        seed.file = file;
        seed.catalogKey = catalogKey;
        download = add(seed);
    }
    download->start();
}

void DownloadManager::pause(const QString& file)
{
    if (Download* d = m_downloads.value(file)) d->pause();
}

void DownloadManager::resume(const QString& file)
{
    if (Download* d = m_downloads.value(file)) d->start();
}

void DownloadManager::cancel(const QString& file)
{
    Download* d = m_downloads.value(file);
    if (!d) return;
    d->cancel();
    dismiss(file);
}

void DownloadManager::dismiss(const QString& file)
{
    Download* d = m_downloads.value(file);
    if (!d) return;
    const DownloadState s = d->status().state;
    if (s == DownloadState::Listing || s == DownloadState::Downloading) return;
    if (s == DownloadState::Paused || d->status().partKept) return; // its part stays listed: cancel it
    m_downloads.remove(file);
    m_order.removeAll(file);
    d->deleteLater();
    emit removed(file);
}

} // namespace hearth::download
