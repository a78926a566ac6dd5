// What went wrong with a request before any answer came, in a sentence for the user: a refused
// connection, an unknown host, a certificate not verified, a proxy, a timeout. Shared by downloads and
// the catalog refresh, which add what happens next.
#pragma once

#include <QString>

class QNetworkReply;

namespace hearth::download {

// The sentence for `reply`'s connection failure; empty when the server answered (an HTTP status) or
// the failure is of another kind.
QString connectionFailureText(QNetworkReply* reply);

} // namespace hearth::download
