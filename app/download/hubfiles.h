// The Hugging Face Hub's side of a download: where a repository's file listing and a file's bytes
// are, and what the listing says of one file. The listing (GET {hub}/api/models/{repo}/tree/main)
// is a JSON array of entries {type, path, size, lfs: {oid, size}}; for a file stored with Git LFS,
// as every GGUF there is, `lfs.oid` is the sha256 of the file's bytes.
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace hearth::download {

// https://huggingface.co, or $HEARTH_HUB_URL (tests point it at a server of their own).
QUrl defaultHubUrl();

QUrl listingUrl(const QUrl& hub, const QString& repo);
QUrl fileUrl(const QUrl& hub, const QString& repo, const QString& file);

struct RemoteFile {
    qint64 size = 0;
    QByteArray sha256; // lower-case hex, 64 characters
};

// `file`'s entry in a listing. An error when it is not there, or has no sha256 to check it against
// (a file not stored with LFS): Hearth downloads nothing it cannot verify.
Result<RemoteFile> findInListing(const QByteArray& listingJson, const QString& file);

} // namespace hearth::download
