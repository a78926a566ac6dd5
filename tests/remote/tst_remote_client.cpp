// Hearth as a client of OpenAI-compatible servers. The event-stream reader against the examples of
// the HTML standard's server-sent events section; the client against llama.cpp's llama-server
// (../shared/baseline/llama-server, CPU build) serving the shared stories260K model with an API key: models,
// a streamed greedy reply equal to the one llama-server gives without streaming, a wrong key, a stop,
// a server killed mid-reply, and a port where nothing listens. The same cases run against Hearth's
// own server (hearth-cli serve) as tst_remote_client_hearth.
#include "openaiclient.h"
#include "shared_data.h"
#include "ssereader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QtTest>
#include <httplib.h>

using namespace hearth;
using namespace hearth::remote;

namespace {

const char* kKey = "test-key-1234";

std::vector<std::string> readEvents(const std::vector<std::string_view>& chunks)
{
    std::vector<std::string> events;
    SseReader reader([&](std::string_view data) {
        events.emplace_back(data);
        return true;
    });
    for (std::string_view chunk : chunks)
        reader.feed(chunk);
    return events;
}

int freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

class TestRemoteClient : public QObject {
    Q_OBJECT

    QProcess m_server;
    int m_port = 0;
    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/v1"; }

    // llama-server, unless HEARTH_REMOTE_PEER=hearth asks for Hearth's own (hearth-cli serve).
    static bool againstHearth() { return qEnvironmentVariable("HEARTH_REMOTE_PEER") == "hearth"; }

    bool startServer()
    {
        m_port = freePort();
        m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_server.setStandardOutputFile(QProcess::nullDevice());
        const QString model = test::testdata("models/stories260K.gguf");
        if (againstHearth())
            m_server.start(HEARTH_CLI_PATH,
                { "serve", "-m", model, "--host", "127.0.0.1", "--port", QString::number(m_port), "--api-key",
                    kKey, "--backend", "cpu" });
        else
            m_server.start(test::sharedDir() + "/baseline/llama-server",
                { "-m", model, "--host", "127.0.0.1", "--port", QString::number(m_port), "--api-key", kKey,
                    "-c", "2048", "-t", "1", "--log-disable" });
        if (!m_server.waitForStarted(10000)) return false;
        httplib::Client ready("http://127.0.0.1:" + std::to_string(m_port));
        ready.set_bearer_token_auth(kKey);
        for (int i = 0; i < 300; ++i) {
            if (auto r = ready.Get("/v1/models"); r && r->status == 200) return true;
            QThread::msleep(100);
        }
        return false;
    }

    ChatRequest greedyRequest(uint32_t maxTokens) const
    {
        ChatRequest request;
        request.model = "stories260K";
        request.messages = { { "user", "Once upon a time" } };
        request.temperature = 0.0f;
        request.topP = 1.0f;
        request.maxTokens = maxTokens;
        return request;
    }

private slots:
    // https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
    void eventStreamAsTheStandardReadsIt()
    {
        // Its first example: three data lines make one event, joined by line feeds.
        QCOMPARE(readEvents({ "data: YHOO\ndata: +2\ndata: 10\n\n" }),
            std::vector<std::string>({ "YHOO\n+2\n10" }));
        // Comments, other fields, and an event without data dispatch nothing.
        QCOMPARE(
            readEvents(
                { ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third\n\n" }),
            std::vector<std::string>({ "first event", "second event", " third" }));
        // \r\n and \r end lines too, and bytes may arrive split anywhere, a \r\n pair included.
        QCOMPARE(readEvents({ "da", "ta: {\"a\":", "1}\r", "\n\r", "\ndata: [DONE]\r\r" }),
            std::vector<std::string>({ "{\"a\":1}", "[DONE]" }));
        // The last event without its blank line is not dispatched.
        QCOMPARE(readEvents({ "data: whole\n\ndata: cut" }), std::vector<std::string>({ "whole" }));
    }

    void initTestCase()
    {
        QVERIFY2(startServer(), "the server (llama-server or hearth-cli serve) did not start");
    }

    void cleanupTestCase()
    {
        m_server.kill();
        m_server.waitForFinished();
    }

    void listsTheServersModels()
    {
        const auto models = OpenAiClient({ baseUrl(), kKey }).listModels();
        QVERIFY2(models.ok(), models.ok() ? "" : models.error().message.c_str());
        QCOMPARE(models->size(), size_t(1));
        QVERIFY(QString::fromStdString(models->front()).contains("stories260K"));
    }

    // The streamed pieces make the reply llama-server gives the same greedy request in one piece.
    void streamsTheServersReply()
    {
        const ChatRequest request = greedyRequest(24);
        std::string streamed;
        int pieces = 0;
        const auto outcome
            = OpenAiClient({ baseUrl(), kKey }).streamChat(request, [&](std::string_view piece) {
                  streamed += piece;
                  ++pieces;
                  return true;
              });
        QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().message.c_str());
        QVERIFY(pieces > 1);
        QVERIFY(outcome->completionTokens >= uint32_t(pieces) && outcome->completionTokens <= 24u);
        QVERIFY(outcome->promptTokens > 3);

        httplib::Client direct("http://127.0.0.1:" + std::to_string(m_port));
        direct.set_bearer_token_auth(kKey);
        const QJsonObject body { { "model", QString::fromStdString(request.model) },
            { "messages",
                QJsonArray { QJsonObject { { "role", "user" },
                    { "content", QString::fromStdString(request.messages[0].content) } } } },
            { "temperature", 0.0 }, { "top_p", 1.0 }, { "max_tokens", 24 } };
        const auto whole = direct.Post("/v1/chat/completions",
            QJsonDocument(body).toJson(QJsonDocument::Compact).toStdString(), "application/json");
        QVERIFY(whole && whole->status == 200);
        const QString expected = QJsonDocument::fromJson(QByteArray::fromStdString(whole->body))
                                     .object()["choices"]
                                     .toArray()[0]
                                     .toObject()["message"]
                                     .toObject()["content"]
                                     .toString();
        QVERIFY(!expected.isEmpty());
        QCOMPARE(QString::fromStdString(streamed), expected);
    }

    void wrongKeyIsRefusedInWords()
    {
        const auto outcome
            = OpenAiClient({ baseUrl(), "wrong" }).streamChat(greedyRequest(4), [](std::string_view) {
                  return true;
              });
        QVERIFY(!outcome.ok());
        QVERIFY2(QString::fromStdString(outcome.error().message).contains("refused the API key (401)"),
            outcome.error().message.c_str());
    }

    void stopEndsTheStream()
    {
        std::atomic<bool> cancel { false };
        std::string received;
        const auto outcome = OpenAiClient({ baseUrl(), kKey })
                                 .streamChat(
                                     greedyRequest(400),
                                     [&](std::string_view piece) {
                                         received += piece;
                                         cancel = true;
                                         return true;
                                     },
                                     &cancel);
        QVERIFY(outcome.ok());
        QVERIFY(outcome->cancelled);
        QVERIFY(!received.empty());
    }

    void nothingListeningIsSaidPlainly()
    {
        const std::string nowhere = "http://127.0.0.1:" + std::to_string(freePort()) + "/v1";
        const auto outcome
            = OpenAiClient({ nowhere, kKey }).streamChat(greedyRequest(4), [](std::string_view) {
                  return true;
              });
        QVERIFY(!outcome.ok());
        QVERIFY2(QString::fromStdString(outcome.error().message).contains("Could not connect"),
            outcome.error().message.c_str());
        const auto bad = OpenAiClient({ "ftp://example.org", kKey }).listModels();
        QVERIFY(!bad.ok());
        QVERIFY(QString::fromStdString(bad.error().message).contains("http://"));
    }

    // Last: it kills the server. What arrived before is kept by the caller; the error says so.
    void serverKilledMidReply()
    {
        std::string received;
        const auto outcome
            = OpenAiClient({ baseUrl(), kKey }).streamChat(greedyRequest(400), [&](std::string_view piece) {
                  received += piece;
                  if (m_server.state() == QProcess::Running) {
                      m_server.kill();
                      m_server.waitForFinished();
                  }
                  return true;
              });
        QVERIFY(!received.empty());
        QVERIFY(!outcome.ok());
        const QString message = QString::fromStdString(outcome.error().message);
        QVERIFY2(message.contains("What arrived is kept"), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestRemoteClient)
#include "tst_remote_client.moc"
