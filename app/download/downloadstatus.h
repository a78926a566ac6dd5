// What one download is doing, as a value: handed from the download manager (which may live on a
// worker thread) to whoever shows it.
#pragma once

#include <QMetaType>
#include <QString>

namespace hearth::download {

enum class DownloadState {
    Paused, // stopped with its part file kept (also: found in the folder after a restart)
    Listing, // asking the Hub for the file's exact size and sha256
    Downloading,
    Done, // verified and renamed to its final name
    Failed, // stopped; `error` says why and whether the part was kept (resume) or deleted
};

struct DownloadStatus {
    QString file; // the final file name: the download's identity in its folder
    QString repo;
    QString catalogKey;
    DownloadState state = DownloadState::Paused;
    qint64 bytes = 0; // on disk, verified as part of the file so far
    qint64 total = 0; // 0 until the Hub has said
    qint64 fetched = 0; // bytes received over the network since this download object was made
    double bytesPerSecond = 0;
    qint64 secondsLeft = -1; // -1: not known yet
    bool partKept = false; // Failed: whether the bytes so far are kept for a resume
    QString error;
    QString path; // Done: the verified file
};

} // namespace hearth::download

Q_DECLARE_METATYPE(hearth::download::DownloadStatus)
