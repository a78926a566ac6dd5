// One download, from the Hub's listing to a verified file in the models folder:
//   Listing      GET the repository's listing: the file's exact size and sha256
//   Downloading  GET the bytes into FILE.part, "Range: bytes=N-" when N are already there; the
//                sha256 is fed as they arrive (after the bytes already on disk); a server that answers
//                200 instead of 206 sends the whole file, so the part is emptied first, never appended to
//   Done         size and sha256 match: the part is renamed to FILE
//   Failed       a network error or a full disk keeps the part (Resume continues it); a wrong size or
//                sha256 deletes it, so nothing half-trusted is left
// Pause aborts the request and keeps the part. Disk space is checked before the bytes are asked for
// and on every write.
#pragma once

#include "downloadstatus.h"
#include "partfile.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <deque>

class QNetworkAccessManager;
class QNetworkReply;

namespace hearth::download {

class Download : public QObject {
    Q_OBJECT
public:
    // `seed` names the file (repo, file, catalogKey); when read from a sidecar it also carries the
    // url, size and sha256, and the listing is not asked for again.
    Download(QNetworkAccessManager& network, const QUrl& hub, const QString& folder, const PartInfo& seed,
        QObject* parent = nullptr);
    ~Download() override;

    const DownloadStatus& status() const { return m_status; }
    void start(); // or resume
    void pause();
    // Stops and deletes the part and its sidecar.
    void cancel();

signals:
    void changed(const hearth::download::DownloadStatus& status);

private:
    void requestListing();
    void onListing(QNetworkReply* reply);
    void beginTransfer();
    void onData();
    void onFinished();
    bool acceptResponse(); // the first bytes of a response: 200 or 206 from where we are
    void restartFromZero();
    void finishTransfer();
    void fail(const QString& message, bool keepPart);
    void setState(DownloadState state);
    void saveSidecar();
    void removePart();
    void dropReply();
    void sampleSpeed();
    void emitChanged(bool force);
    QString networkErrorText(QNetworkReply* reply) const;

    QNetworkAccessManager& m_network;
    QUrl m_hub;
    QString m_folder;
    PartInfo m_info;
    DownloadStatus m_status;
    QFile m_part;
    QCryptographicHash m_hash { QCryptographicHash::Sha256 };
    QPointer<QNetworkReply> m_reply;
    qint64 m_offset = 0; // where the current response's bytes start in the file
    bool m_responseChecked = false;
    QElapsedTimer m_clock;
    qint64 m_lastEmitMs = -1;
    qint64 m_lastSidecarMs = 0;
    std::deque<std::pair<qint64, qint64>> m_samples; // (ms, bytes) over the last seconds
};

} // namespace hearth::download
