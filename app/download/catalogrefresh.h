// "Check for a newer list": the one request the catalog makes, and only when the user asks. The list
// at the catalog URL replaces the one in use only when it is a catalog this Hearth reads (schema,
// fields, plausible sizes: parseCatalog), its version is higher, and it is kept on disk (saved
// atomically in the app's data folder, where the next start reads it). Anything else — no network, a
// refused connection, HTTP 404, not JSON, an older or equal version, a list over 4 MiB — is said in
// one sentence, and the list in use stays as it is.
#pragma once

#include "catalog.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace hearth::download {

class CatalogRefresh : public QObject {
    Q_OBJECT

public:
    explicit CatalogRefresh(QObject* parent = nullptr);

    // Fetches `url` and, when it is accepted, writes it to `savePath` before announcing it.
    // One refresh at a time: a second start while one runs is ignored (returns false).
    bool start(const QUrl& url, int currentVersion, const QString& savePath);
    bool running() const;

    static constexpr qint64 kMaxBytes = 4 << 20;

signals:
    // `accepted`: `catalog` is the newer list (already saved) and `message` says so. Otherwise
    // `message` says why nothing changed and `catalog` is empty.
    void finished(bool accepted, const QString& message, const hearth::download::Catalog& catalog);

private:
    void onFinished();
    QString failureText(QNetworkReply* reply) const;

    QNetworkAccessManager* m_network = nullptr;
    QPointer<QNetworkReply> m_reply;
    int m_currentVersion = 0;
    QString m_savePath;
    bool m_tooLarge = false;
};

} // namespace hearth::download

Q_DECLARE_METATYPE(hearth::download::Catalog)
