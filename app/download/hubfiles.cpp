#include "hubfiles.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace hearth::download {

QUrl defaultHubUrl()
{
    const QByteArray override = qgetenv("HEARTH_HUB_URL");
    return QUrl(override.isEmpty() ? QStringLiteral("https://huggingface.co") : QString::fromUtf8(override));
}

QUrl listingUrl(const QUrl& hub, const QString& repo)
{
    QUrl url = hub;
    url.setPath(url.path() + "/api/models/" + repo + "/tree/main");
    return url;
}

QUrl fileUrl(const QUrl& hub, const QString& repo, const QString& file)
{
    QUrl url = hub;
    url.setPath(url.path() + '/' + repo + "/resolve/main/" + file);
    return url;
}

Result<RemoteFile> findInListing(const QByteArray& listingJson, const QString& file)
{
    const QJsonDocument doc = QJsonDocument::fromJson(listingJson);
    if (!doc.isArray()) return makeError(ErrorCode::BadFormat, "the Hub's file listing is not a JSON array");
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));
    for (const QJsonValue& v : doc.array()) {
        const QJsonObject entry = v.toObject();
        if (entry.value("path").toString() != file) continue;
        const QJsonObject lfs = entry.value("lfs").toObject();
        const QString oid = lfs.value("oid").toString();
        const double size = lfs.value("size").toDouble(entry.value("size").toDouble());
        if (!hex64.match(oid).hasMatch())
            return makeError(ErrorCode::Unsupported,
                file.toStdString() + " has no sha256 in the Hub's listing, so it cannot be verified");
        if (size <= 0)
            return makeError(ErrorCode::BadFormat, file.toStdString() + " has no size in the listing");
        return RemoteFile { qint64(size), oid.toLatin1() };
    }
    return makeError(ErrorCode::FileNotFound,
        file.toStdString()
            + " is not in the repository any more (the catalog may be out of date: refresh it)");
}

} // namespace hearth::download
