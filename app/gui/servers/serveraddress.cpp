#include "serveraddress.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QUrl>

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ServerAddress", text);
}

bool isLoopback(const QString& host)
{
    if (host.compare("localhost", Qt::CaseInsensitive) == 0
        || host.endsWith(".localhost", Qt::CaseInsensitive))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace

ServerAddress checkServerAddress(const QString& typed)
{
    ServerAddress checked;
    const QString text = typed.trimmed();
    const QString example = tr("for example http://gpu-box.lan:8000/v1");
    if (text.isEmpty()) {
        checked.error = tr("Enter the server's address, %1.").arg(example);
        return checked;
    }
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != "http" && scheme != "https")) {
        checked.error = tr("The address must start with http:// or https://, %1.").arg(example);
        return checked;
    }
    if (url.host().isEmpty()) {
        checked.error = tr("The address names no computer, %1.").arg(example);
        return checked;
    }
    if (!url.userInfo().isEmpty()) {
        checked.error = tr("Leave the user name and password out of the address; put the key in the API "
                           "key field.");
        return checked;
    }
    if (url.hasQuery() || url.hasFragment()) {
        checked.error = tr("The address ends at the API's path (usually /v1): leave out the ? or # part.");
        return checked;
    }
    QString path = url.path();
    while (path.endsWith('/'))
        path.chop(1);
    if (path.isEmpty()) {
        path = QStringLiteral("/v1");
        checked.note = tr("Hearth adds /v1, where these servers answer.");
    }
    QUrl base = url;
    base.setScheme(scheme);
    base.setPath(path);
    checked.baseUrl = base.toString(QUrl::FullyEncoded);
    checked.host = url.port() > 0 ? url.host() + ':' + QString::number(url.port()) : url.host();
    if (scheme == "http" && !isLoopback(url.host()))
        checked.warning = tr("Not encrypted: with http:// the API key and your chats travel over the "
                             "network as plain text, readable by anyone on the way. Use https:// unless "
                             "the network between you and %1 is yours alone.")
                              .arg(url.host());
    return checked;
}
