#include "networkerror.h"

#include <QCoreApplication>
#include <QNetworkReply>

namespace hearth::download {

QString connectionFailureText(QNetworkReply* reply)
{
    const auto tr = [](const char* text) { return QCoreApplication::translate("NetworkError", text); };
    const QString host = reply->url().host();
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return tr("Could not connect to %1: the connection was refused. Check your network connection and "
                  "proxy settings.")
            .arg(host);
    case QNetworkReply::HostNotFoundError:
        return tr("%1 could not be found: check your network connection.").arg(host);
    case QNetworkReply::TimeoutError:
        return tr("%1 did not answer in time.").arg(host);
    case QNetworkReply::SslHandshakeFailedError:
        return tr("The secure connection to %1 could not be verified (%2); nothing was accepted from it.")
            .arg(host, reply->errorString());
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
        return tr("The proxy refused or could not be reached (%1). Check the proxy settings (http_proxy, "
                  "https_proxy).")
            .arg(reply->errorString());
    default:
        return {};
    }
}

} // namespace hearth::download
