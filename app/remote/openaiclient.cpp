#include "openaiclient.h"

#include "remoteerrors.h"
#include "ssereader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <httplib.h>
#include <memory>

namespace hearth::remote {

namespace {

// "https://host:port/v1" → origin "https://host:port", path "/v1".
struct ParsedUrl {
    std::string origin;
    std::string host; // for messages
    std::string path;
};

Result<ParsedUrl> parseBaseUrl(const std::string& url)
{
    const size_t schemeEnd = url.find("://");
    const std::string scheme = schemeEnd == std::string::npos ? "" : url.substr(0, schemeEnd);
    if (scheme != "http" && scheme != "https")
        return Error { ErrorCode::InvalidArgument,
            "\"" + url + "\" is not a server address: it must start with http:// or https://" };
    const size_t hostStart = schemeEnd + 3;
    const size_t pathStart = url.find('/', hostStart);
    ParsedUrl parsed;
    parsed.origin = url.substr(0, pathStart);
    parsed.host
        = url.substr(hostStart, pathStart == std::string::npos ? std::string::npos : pathStart - hostStart);
    parsed.path = pathStart == std::string::npos ? "" : url.substr(pathStart);
    while (!parsed.path.empty() && parsed.path.back() == '/')
        parsed.path.pop_back();
    if (parsed.host.empty()) return Error { ErrorCode::InvalidArgument, "\"" + url + "\" names no host" };
    return parsed;
}

std::unique_ptr<httplib::Client> clientFor(const ParsedUrl& url, const Endpoint& endpoint)
{
    auto client = std::make_unique<httplib::Client>(url.origin);
    client->set_connection_timeout(endpoint.connectSeconds);
    client->set_read_timeout(endpoint.silenceSeconds);
    client->set_write_timeout(endpoint.connectSeconds);
    if (!endpoint.apiKey.empty()) client->set_bearer_token_auth(endpoint.apiKey);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    client->enable_server_certificate_verification(true); // always: never an unverified TLS peer
#endif
    return client;
}

QByteArray chatBody(const ChatRequest& request)
{
    QJsonArray messages;
    for (const ChatMessage& m : request.messages)
        messages.append(QJsonObject {
            { "role", QString::fromStdString(m.role) }, { "content", QString::fromStdString(m.content) } });
    QJsonObject body { { "model", QString::fromStdString(request.model) }, { "messages", messages },
        { "stream", true }, { "max_tokens", double(request.maxTokens) },
        { "temperature", double(request.temperature) }, { "top_p", double(request.topP) },
        { "stream_options", QJsonObject { { "include_usage", true } } } };
    if (request.seed != 0) body.insert("seed", double(request.seed));
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace

OpenAiClient::OpenAiClient(Endpoint endpoint)
    : m_endpoint(std::move(endpoint))
{
}

Result<std::vector<std::string>> OpenAiClient::listModels() const
{
    auto url = parseBaseUrl(m_endpoint.baseUrl);
    if (!url) return url.error();
    const auto client = clientFor(*url, m_endpoint);
    const httplib::Result response = client->Get(url->path + "/models");
    if (!response) return transportError(response.error(), url->host, m_endpoint.silenceSeconds);
    if (response->status != 200) return statusError(response->status, response->body, url->host, "");
    const QJsonArray data
        = QJsonDocument::fromJson(QByteArray::fromStdString(response->body)).object().value("data").toArray();
    std::vector<std::string> models;
    for (const QJsonValue& model : data)
        models.push_back(model.toObject().value("id").toString().toStdString());
    return models;
}

Result<ChatOutcome> OpenAiClient::streamChat(const ChatRequest& request,
    const std::function<bool(std::string_view piece)>& onPiece, const std::atomic<bool>* cancel) const
{
    auto url = parseBaseUrl(m_endpoint.baseUrl);
    if (!url) return url.error();
    const auto client = clientFor(*url, m_endpoint);

    ChatOutcome outcome;
    bool finished = false; // [DONE] or a finish_reason came: the reply is whole
    std::string failure; // an error the server sent inside the stream
    std::string errorBody; // the body of a refusal (status other than 200)
    int status = 0;
    SseReader events([&](std::string_view data) {
        if (data == "[DONE]") {
            finished = true;
            return false;
        }
        const QJsonObject event
            = QJsonDocument::fromJson(QByteArray(data.data(), qsizetype(data.size()))).object();
        if (event.contains("error")) {
            failure = serverMessage(data);
            return false;
        }
        const QJsonObject usage = event.value("usage").toObject();
        if (!usage.isEmpty()) {
            outcome.promptTokens = uint32_t(usage.value("prompt_tokens").toInt());
            outcome.completionTokens = uint32_t(usage.value("completion_tokens").toInt());
        }
        const QJsonObject choice = event.value("choices").toArray().first().toObject();
        const QString piece = choice.value("delta").toObject().value("content").toString();
        if (!piece.isEmpty() && !onPiece(piece.toStdString())) outcome.cancelled = true;
        const QString reason = choice.value("finish_reason").toString();
        if (!reason.isEmpty()) {
            finished = true;
            outcome.lengthLimited = reason == "length";
        }
        return !outcome.cancelled;
    });

    httplib::Request http;
    http.method = "POST";
    http.path = url->path + "/chat/completions";
    http.body = chatBody(request).toStdString();
    http.set_header("Content-Type", "application/json");
    http.set_header("Accept", "text/event-stream");
    http.response_handler = [&](const httplib::Response& response) {
        status = response.status;
        return true;
    };
    http.content_receiver = [&](const char* data, size_t length, uint64_t, uint64_t) {
        if (cancel && cancel->load()) {
            outcome.cancelled = true;
            return false;
        }
        if (status != 200) {
            if (errorBody.size() < 64 * 1024) errorBody.append(data, length);
            return true;
        }
        // The reader stops at [DONE], at an error event and when the user stops; the usage may come
        // after the finish_reason, so a finished reply is still read to its [DONE] or its end.
        return events.feed(std::string_view(data, length));
    };
    httplib::Response response;
    httplib::Error error = httplib::Error::Success;
    const bool sent = client->send(http, response, error);

    if (outcome.cancelled || (cancel && cancel->load())) {
        outcome.cancelled = true;
        return outcome;
    }
    if (!failure.empty())
        return Error { ErrorCode::Io, url->host + " ended the reply with an error: " + failure };
    if (status != 0 && status != 200)
        return statusError(status, errorBody.empty() ? response.body : errorBody, url->host, request.model);
    if (finished) return outcome;
    if (!sent && error != httplib::Error::Canceled)
        return transportError(error, url->host, m_endpoint.silenceSeconds);
    if (events.overflowed())
        return Error { ErrorCode::BadFormat, url->host + " sent an event larger than 8 MiB." };
    return Error { ErrorCode::Io,
        url->host + " closed the connection in the middle of the reply. What arrived is kept." };
}

} // namespace hearth::remote
