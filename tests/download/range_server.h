// range_server.py (a stand-in for Hugging Face's API, file downloads and the catalog URL) in a
// process of its own on a free 127.0.0.1 port, for the download, catalog and "Get a model" tests. The
// test target defines HEARTH_PYTHON and HEARTH_RANGE_SERVER.
#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QUrl>

namespace hearth::test {

// Requests to the test server go straight to it, whatever proxy the machine has.
inline void bypassProxyForTestServer()
{
    qunsetenv("http_proxy");
    qunsetenv("HTTP_PROXY");
}

class RangeServerProcess {
public:
    // `arguments`: range_server.py's (--repo, --file, --catalog, misbehaviour flags).
    bool start(const QStringList& arguments)
    {
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(HEARTH_PYTHON, QStringList { HEARTH_RANGE_SERVER } + arguments);
        if (!m_process.waitForReadyRead(10000)) return false;
        const QByteArray line = m_process.readLine().trimmed();
        if (!line.startsWith("PORT ")) return false;
        m_port = line.mid(5).toInt();
        return m_port > 0;
    }
    ~RangeServerProcess()
    {
        m_process.kill();
        m_process.waitForFinished();
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }
    QUrl url(const QString& path) const { return QUrl(url().toString() + path); }
    // {"bodyBytes": N, "requests": ["", "bytes=N-", ...]}
    QJsonObject stats() const
    {
        QNetworkAccessManager network;
        QNetworkReply* reply = network.get(QNetworkRequest(url("/_stats")));
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(5000);
        reply->deleteLater();
        return QJsonDocument::fromJson(reply->readAll()).object();
    }

private:
    QProcess m_process;
    int m_port = 0;
};

} // namespace hearth::test
