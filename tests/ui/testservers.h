// The OpenAI-compatible servers the remote tests talk to, started as a user would: llama.cpp's
// llama-server (../shared/baseline, CPU build) serving the shared stories260K model as "stories260K",
// and Hearth's own `hearth-cli serve` (which, unlike llama-server, wants the key for /v1/models too).
// Both on 127.0.0.1, on a free port, with an API key; start() returns once the server answers.
#pragma once

#include "shared_data.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

namespace hearth::test {

inline int freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

struct HttpAnswer {
    int status = 0; // 0: no answer
    QByteArray body;
};

// A plain GET with Qt's own HTTP client: what the server itself says, for the expected values.
inline HttpAnswer httpGet(const QString& url, const QString& key = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request { QUrl(url) };
    if (!key.isEmpty()) request.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    request.setTransferTimeout(10000);
    QNetworkReply* reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpAnswer answer { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
        reply->readAll() };
    reply->deleteLater();
    return answer;
}

class TestServer {
public:
    explicit TestServer(QString key)
        : m_key(std::move(key))
        , m_port(freePort())
    {
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.setStandardOutputFile(QProcess::nullDevice());
    }
    ~TestServer() { stop(); }

    bool startLlamaServer()
    {
        return start(sharedDir() + "/baseline/llama-server",
            { "-m", testdata("models/stories260K.gguf"), "--alias", "stories260K", "--host", "127.0.0.1",
                "--port", QString::number(m_port), "--api-key", m_key, "-c", "2048", "-t", "1",
                "--log-disable" });
    }
    bool startHearthServer(const QString& hearthCli)
    {
        return start(hearthCli,
            { "serve", "-m", testdata("models/stories260K.gguf"), "--host", "127.0.0.1", "--port",
                QString::number(m_port), "--api-key", m_key, "--backend", "cpu", "--model-name",
                "stories260K" });
    }
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning) return;
        m_process.kill();
        m_process.waitForFinished();
    }

    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_port); }
    QString key() const { return m_key; }
    QProcess& process() { return m_process; }

private:
    // Started, and answering /v1/models with 200 (llama-server answers 503 until its model is loaded).
    bool start(const QString& program, const QStringList& arguments)
    {
        m_process.start(program, arguments);
        if (!m_process.waitForStarted(10000)) return false;
        for (int attempt = 0; attempt < 300; ++attempt) {
            if (httpGet(baseUrl() + "/models", m_key).status == 200) return true;
            if (m_process.state() == QProcess::NotRunning) return false;
            QTest::qWait(100);
        }
        return false;
    }

    QString m_key;
    QProcess m_process;
    int m_port;
};

} // namespace hearth::test
