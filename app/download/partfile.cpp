#include "partfile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace hearth::download {

QString partPath(const QString& folder, const QString& file)
{
    return QDir(folder).filePath(file + ".part");
}

QString sidecarPath(const QString& folder, const QString& file)
{
    return QDir(folder).filePath(file + ".part.json");
}

Result<PartInfo> readSidecar(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::FileNotFound, path.toStdString() + ": " + f.errorString().toStdString());
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    PartInfo info;
    info.repo = o.value("repo").toString();
    info.file = o.value("file").toString();
    info.catalogKey = o.value("catalogKey").toString();
    info.url = QUrl(o.value("url").toString());
    info.expectedSize = qint64(o.value("expectedSize").toDouble());
    info.sha256 = o.value("sha256").toString().toLatin1();
    info.bytes = qint64(o.value("bytes").toDouble());
    if (info.file.isEmpty() || info.file.contains('/') || !info.url.isValid() || info.expectedSize <= 0
        || info.sha256.size() != 64)
        return makeError(ErrorCode::BadFormat, path.toStdString() + ": not a download's description");
    return info;
}

Status writeSidecar(const QString& path, const PartInfo& info)
{
    const QJsonObject o { { "repo", info.repo }, { "file", info.file }, { "catalogKey", info.catalogKey },
        { "url", info.url.toString() }, { "expectedSize", double(info.expectedSize) },
        { "sha256", QString::fromLatin1(info.sha256) }, { "bytes", double(info.bytes) } };
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(o).toJson()) < 0 || !f.commit())
        return makeError(ErrorCode::Io, path.toStdString() + ": " + f.errorString().toStdString());
    return Ok {};
}

Status hashExisting(QFile& part, qint64 bytes, QCryptographicHash& hash)
{
    if (!part.seek(0)) return makeError(ErrorCode::Io, part.errorString().toStdString());
    QByteArray block(1 << 20, Qt::Uninitialized);
    qint64 left = bytes;
    while (left > 0) {
        const qint64 n = part.read(block.data(), qMin<qint64>(left, block.size()));
        if (n <= 0)
            return makeError(ErrorCode::Io,
                part.fileName().toStdString()
                    + ": could not be read back: " + part.errorString().toStdString());
        hash.addData(QByteArrayView(block.constData(), n));
        left -= n;
    }
    if (!part.seek(bytes)) return makeError(ErrorCode::Io, part.errorString().toStdString());
    return Ok {};
}

} // namespace hearth::download
