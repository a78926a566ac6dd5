// A download in progress, on disk: FILE.gguf.part holds the bytes received so far and
// FILE.gguf.part.json what they are part of (where from, the size and sha256 the Hub gave), so a
// download resumes after the app restarts. The part file's length is the truth about how far it got;
// the sidecar's `bytes` is only what was last saved, for the list before the part is opened.
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>
#include <QUrl>

class QFile;

namespace hearth::download {

struct PartInfo {
    QString repo;
    QString file; // the final file name in the folder
    QString catalogKey; // "MODEL-ID/TYPE", when it came from the catalog
    QUrl url;
    qint64 expectedSize = 0;
    QByteArray sha256; // lower-case hex
    qint64 bytes = 0;
};

QString partPath(const QString& folder, const QString& file);
QString sidecarPath(const QString& folder, const QString& file);

Result<PartInfo> readSidecar(const QString& path);
// Written whole or not at all (QSaveFile).
Status writeSidecar(const QString& path, const PartInfo& info);

// Feeds the first `bytes` bytes of the open `part` into `hash` (what a resumed download continues
// from) and leaves the file positioned at its end.
Status hashExisting(QFile& part, qint64 bytes, QCryptographicHash& hash);

} // namespace hearth::download
