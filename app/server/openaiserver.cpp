#include "openaiserver.h"

#include "apikey.h"
#include "completionrun.h"
#include "openairesponse.h"

#include <chrono>
#include <memory>

namespace hearth::server {

namespace {

constexpr const char* jsonType = "application/json";

int64_t unixNow()
{
    return std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void sendError(httplib::Response& response, const ApiError& error)
{
    response.status = error.status;
    response.set_content(errorJson(error), jsonType);
}

// The library's own refusals (unknown path, body too large, bad request line) in OpenAI's shape.
ApiError libraryError(const httplib::Request& request, int status, size_t payloadMax)
{
    switch (status) {
    case 404:
        return { 404, "invalid_request_error",
            "Unknown request URL: " + request.method + " " + request.path + ".", {}, "unknown_url" };
    case 413:
        return { 413, "invalid_request_error",
            "The request body is larger than the " + std::to_string(payloadMax / (1024 * 1024))
                + " MiB this server accepts.",
            {}, "request_too_large" };
    default:
        return { status, status >= 500 ? "server_error" : "invalid_request_error",
            "The request failed: HTTP " + std::to_string(status) + ".", {}, {} };
    }
}

} // namespace

namespace {

GenerationQueue& queueFor(std::optional<GenerationQueue>& own, GenerationQueue* shared, size_t maxWaiting)
{
    if (shared) return *shared;
    return own.emplace(maxWaiting);
}

} // namespace

OpenAiServer::OpenAiServer(Generator& generator, ServerOptions options, GenerationQueue* sharedQueue)
    : m_generator(generator)
    , m_options(std::move(options))
    , m_queue(queueFor(m_ownQueue, sharedQueue, m_options.maxWaiting))
    , m_started(unixNow())
    , m_http(m_options.limits)
{
    // Threads for everyone in line, the one generating, and a few more so that a full line is
    // answered 429 and the model list stays reachable.
    const size_t threads = m_queue.maxWaiting() + 1 + 4;
    m_http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    routes();
}

OpenAiServer::~OpenAiServer()
{
    stop();
}

bool OpenAiServer::isLoopback(const std::string& host)
{
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Result<int> OpenAiServer::bind()
{
    if (m_options.apiKey.empty()) return makeError(ErrorCode::InvalidArgument, "the server needs an API key");
    int port = m_options.port;
    if (port == 0) {
        port = m_http.bind_to_any_port(m_options.host);
        if (port < 0) port = 0;
    } else if (!m_http.bind_to_port(m_options.host, port)) {
        port = 0;
    }
    if (port == 0) {
        return makeError(ErrorCode::Io,
            "cannot listen on " + m_options.host + ":" + std::to_string(m_options.port)
                + " (is the port in use, or the address not this machine's?)");
    }
    return port;
}

void OpenAiServer::run()
{
    if (!m_stopping) m_http.listen_after_bind();
}

void OpenAiServer::stop()
{
    m_stopping = true;
    m_http.stop();
}

void OpenAiServer::routes()
{
    m_http.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
        return authorized(request, response) ? httplib::Server::HandlerResponse::Unhandled
                                             : httplib::Server::HandlerResponse::Handled;
    });
    m_http.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& request, httplib::Response& response) {
            if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled; // ours already
            sendError(response, libraryError(request, response.status, m_options.limits.payloadMax));
            return httplib::Server::HandlerResponse::Handled;
        }));
    m_http.Get("/v1/models", [this](const httplib::Request& request, httplib::Response& response) {
        listModels(request, response);
    });
    m_http.Get(R"(/v1/models/(.+))", [this](const httplib::Request& request, httplib::Response& response) {
        describeModel(request, response);
    });
    m_http.Post("/v1/chat/completions", [this](const httplib::Request& request, httplib::Response& response) {
        auto parsed = parseChatCompletionRequest(request.body);
        if (auto* error = std::get_if<ApiError>(&parsed)) return sendError(response, *error);
        auto& chat = std::get<ChatCompletionRequest>(parsed);
        GenerateRequest prompt;
        prompt.useChat = true;
        prompt.messages = std::move(chat.messages);
        complete(chat.options, std::move(prompt), true, response);
    });
    m_http.Post("/v1/completions", [this](const httplib::Request& request, httplib::Response& response) {
        auto parsed = parseTextCompletionRequest(request.body);
        if (auto* error = std::get_if<ApiError>(&parsed)) return sendError(response, *error);
        auto& text = std::get<TextCompletionRequest>(parsed);
        GenerateRequest prompt;
        prompt.useChat = false;
        prompt.rawPrompt = std::move(text.prompt);
        // As llama.cpp's server: special tokens written in the prompt are the model's special tokens,
        // so a client can send a prompt in the model's own chat format.
        prompt.parseSpecial = true;
        complete(text.options, std::move(prompt), false, response);
    });
}

bool OpenAiServer::authorized(const httplib::Request& request, httplib::Response& response) const
{
    if (bearerMatches(request.get_header_value("Authorization"), m_options.apiKey)) return true;
    // Refused before its body is read: the connection cannot carry another request.
    sendError(response, ApiError::invalidKey());
    response.set_header("Connection", "close");
    GuardedHttpServer::closeAfterResponse();
    return false;
}

void OpenAiServer::listModels(const httplib::Request&, httplib::Response& response) const
{
    response.set_content(modelListJson(m_generator.modelId(), m_started), jsonType);
}

void OpenAiServer::describeModel(const httplib::Request& request, httplib::Response& response) const
{
    const std::string id = request.matches[1];
    const std::string served = m_generator.modelId();
    if (served.empty()) return sendError(response, ApiError::noModel());
    if (id != served) return sendError(response, ApiError::modelNotFound(id, served));
    response.set_content(modelJson(served, m_started), jsonType);
}

void OpenAiServer::complete(
    const CompletionOptions& options, GenerateRequest prompt, bool chat, httplib::Response& response)
{
    // The model asked for is the one served; checked again once the turn is ours, since the model
    // may change while the request waits (it changes only under the turn).
    auto modelError = [&]() -> std::optional<ApiError> {
        const std::string served = m_generator.modelId();
        if (served.empty()) return ApiError::noModel();
        if (options.model != served) return ApiError::modelNotFound(options.model, served);
        return std::nullopt;
    };
    if (auto error = modelError()) return sendError(response, *error);
    if (m_stopping) return sendError(response, ApiError::server("The server is shutting down."));

    // Wait for the model; a client that gives up while waiting leaves the line, and so does
    // everyone waiting when the server stops.
    auto turn = std::make_shared<GenerationQueue::Turn>();
    switch (m_queue.enter(*turn, [this] { return m_stopping || GuardedHttpServer::clientGone(); })) {
    case GenerationQueue::Entry::Full:
        return sendError(response, ApiError::busy(m_queue.maxWaiting()));
    case GenerationQueue::Entry::Abandoned:
        if (m_stopping) return sendError(response, ApiError::server("The server is shutting down."));
        response.status = 499; // nobody reads it: the connection is gone
        return;
    case GenerationQueue::Entry::Granted:
        break;
    }
    if (auto error = modelError()) return sendError(response, *error);
    if (m_options.completionStarted) m_options.completionStarted();

    auto prepared = prepareCompletion(m_generator, std::move(prompt), options);
    if (auto* error = std::get_if<ApiError>(&prepared)) return sendError(response, *error);
    const GenerateRequest request = std::get<GenerateRequest>(std::move(prepared));
    ResponseHeader header { (chat ? "chatcmpl-" : "cmpl-") + std::to_string(m_started) + "-"
            + std::to_string(m_nextId.fetch_add(1)),
        options.model, unixNow() };

    if (!options.stream) {
        std::string text;
        auto outcome = runCompletion(
            m_generator, request, options,
            [&](std::string_view piece) {
                text += piece;
                return !GuardedHttpServer::clientGone();
            },
            &m_stopping);
        if (auto* error = std::get_if<ApiError>(&outcome)) return sendError(response, *error);
        const auto& done = std::get<CompletionOutcome>(outcome);
        response.set_content(chat ? chatCompletionJson(header, text, done.finishReason, done.usage)
                                  : textCompletionJson(header, text, done.finishReason, done.usage),
            jsonType);
        return;
    }

    // Streamed: the provider runs once, after the headers are sent, and keeps the turn until the
    // last event is written or the client is gone.
    response.set_header("Cache-Control", "no-cache");
    response.set_chunked_content_provider(
        "text/event-stream", [this, turn, request, options, header, chat](size_t, httplib::DataSink& sink) {
            auto send = [&](const std::string& event) {
                return sink.is_writable() && sink.write(event.data(), event.size())
                    && !GuardedHttpServer::clientGone();
            };
            if (chat && !send(sseEvent(chatChunkJson(header, std::string(), true, std::nullopt))))
                return false;
            auto outcome = runCompletion(
                m_generator, request, options,
                [&](std::string_view piece) {
                    const std::string text(piece);
                    return send(sseEvent(chat ? chatChunkJson(header, text, false, std::nullopt)
                                              : textChunkJson(header, text, std::nullopt)));
                },
                &m_stopping);
            if (auto* error = std::get_if<ApiError>(&outcome)) {
                // Headers are out: the error travels as an event, as OpenAI's streams do.
                send(sseEvent(errorJson(*error)));
            } else {
                const auto& done = std::get<CompletionOutcome>(outcome);
                if (done.cancelled) return false;
                const bool ok
                    = send(sseEvent(chat ? chatChunkJson(header, std::nullopt, false, done.finishReason)
                                         : textChunkJson(header, std::string(), done.finishReason)))
                    && (!options.streamUsage || send(sseEvent(usageChunkJson(header, chat, done.usage))));
                if (!ok) return false;
            }
            *turn = GenerationQueue::Turn(); // the next in line may start
            send(sseDone);
            sink.done();
            return true;
        });
}

} // namespace hearth::server
