// The downloads into one models folder: several at once, each paused, resumed or cancelled by its
// file name. Partial downloads found in the folder (FILE.gguf.part + .part.json, left by an earlier
// run) are listed as paused; nothing is fetched until start() or resume() is called — Hearth sends
// nothing over the network without the user's click.
//
// Proxies come from the environment (http_proxy, https_proxy, no_proxy) and TLS certificates are
// always verified (Qt's default; no error is ever ignored).
#pragma once

#include "downloadstatus.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QUrl>

class QNetworkAccessManager;

namespace hearth::download {

class Download;
struct PartInfo;

class DownloadManager : public QObject {
    Q_OBJECT
public:
    explicit DownloadManager(const QString& folder, QObject* parent = nullptr);
    ~DownloadManager() override;

    QString folder() const { return m_folder; }
    void setHubUrl(const QUrl& hub) { m_hub = hub; }
    QUrl hubUrl() const { return m_hub; }
    QList<DownloadStatus> downloads() const;

public slots:
    // The partial downloads the folder holds, as paused downloads (announced through changed()).
    void restore();
    // Starts `file` of `repo` (or resumes it when it is already listed).
    void start(const QString& repo, const QString& file, const QString& catalogKey);
    void pause(const QString& file);
    void resume(const QString& file);
    void cancel(const QString& file); // deletes the part
    void dismiss(const QString& file); // forgets a finished or failed download (the files stay)

signals:
    void changed(const hearth::download::DownloadStatus& status);
    void removed(const QString& file);

private:
    Download* add(const PartInfo& seed);

    QString m_folder;
    QUrl m_hub;
    QNetworkAccessManager* m_network;
    QHash<QString, Download*> m_downloads;
    QList<QString> m_order;
};

} // namespace hearth::download
