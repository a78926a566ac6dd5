#include "remoteerrors.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace hearth::remote {

std::string serverMessage(std::string_view body)
{
    const QJsonObject object
        = QJsonDocument::fromJson(QByteArray(body.data(), qsizetype(body.size()))).object();
    const QJsonValue error = object.value("error");
    QString message = error.isObject() ? error.toObject().value("message").toString() : error.toString();
    if (message.isEmpty()) message = QString::fromUtf8(body.data(), qsizetype(body.size())).simplified();
    if (message.size() > 300) message = message.left(300) + QChar(0x2026);
    return message.toStdString();
}

Error transportError(httplib::Error error, std::string_view host, int silenceSeconds)
{
    const std::string where(host);
    switch (error) {
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
        return { ErrorCode::Io,
            "Could not connect to " + where
                + ": the server refused the connection or cannot be reached. Check that it is running "
                  "and that the address and port are right." };
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification:
    case httplib::Error::SSLLoadingCerts:
        return { ErrorCode::Io,
            "The TLS certificate of " + where
                + " could not be verified, so Hearth did not send anything to it. If this is your own "
                  "server, give it a certificate that this computer trusts." };
    case httplib::Error::Read:
        return { ErrorCode::Io,
            where + " stopped sending (nothing for " + std::to_string(silenceSeconds)
                + " seconds, or the connection was cut). What arrived is kept." };
    case httplib::Error::Write:
        return { ErrorCode::Io, "The connection to " + where + " was cut while sending the request." };
    case httplib::Error::Canceled:
        return { ErrorCode::Cancelled, "Stopped." };
    default:
        return { ErrorCode::Io, "The request to " + where + " failed (" + httplib::to_string(error) + ")." };
    }
}

Error statusError(int status, std::string_view body, std::string_view host, std::string_view model)
{
    const std::string where(host);
    const std::string said = serverMessage(body);
    const std::string suffix = said.empty() ? std::string(".") : ": " + said;
    if (status == 401 || status == 403)
        return { ErrorCode::InvalidArgument,
            where + " refused the API key (" + std::to_string(status)
                + "). Check the key in Settings, Remote servers." };
    if (status == 404) {
        // Listing models names none: then only the address can be wrong.
        const std::string what = model.empty() ? std::string("no OpenAI API")
                                               : "no model \"" + std::string(model) + "\" or no OpenAI API";
        return { ErrorCode::FileNotFound,
            where + " has " + what + " at this address (404). Check the address, which usually ends in /v1"
                + suffix };
    }
    if (status == 429)
        return { ErrorCode::Io, where + " is busy (429, too many requests); try again in a moment" + suffix };
    if (status >= 500) return { ErrorCode::Io, where + " failed (" + std::to_string(status) + ")" + suffix };
    return { ErrorCode::InvalidArgument,
        where + " refused the request (" + std::to_string(status) + ")" + suffix };
}

} // namespace hearth::remote
