// The OpenAI-compatible HTTP server: GET /v1/models, POST /v1/chat/completions and
// /v1/completions (whole or streamed as server-sent events), in front of one Generator.
//   - Every request needs "Authorization: Bearer KEY" (401 otherwise). The Host header is not
//     checked: a web page that rebinds its DNS name to 127.0.0.1 reaches the server, but it cannot
//     know the key, and no CORS header is ever sent, so the key is what protects the model.
//   - One generation at a time; up to `maxWaiting` more wait in arrival order; the next gets 429.
//   - The model is the Generator's (modelId()): it may change or go while the server runs (the app's
//     window loads another); a request for another model gets 404, one while none is loaded 503.
//   - A client that disconnects cancels its generation (or leaves the line).
//   - Errors are OpenAI-shaped JSON (apierror.h); limits on bodies, headers and slow clients come
//     from GuardedHttpServer.
#pragma once

#include "generationqueue.h"
#include "generator.h"
#include "guardedhttpserver.h"
#include "openairequest.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace hearth::server {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080; // 0: any free port (bind() says which)
    std::string apiKey; // required, not empty
    size_t maxWaiting = 8; // with a shared queue, its own bound applies instead
    ConnectionLimits limits;
    // Called (on a server thread) for each completion request when it gets the model's turn.
    std::function<void()> completionStarted;
};

class OpenAiServer {
public:
    // `sharedQueue`: the line this server's generations join, shared with other users of the model
    // (the engine process's chat); null: a line of its own, bounded by options.maxWaiting.
    OpenAiServer(Generator& generator, ServerOptions options, GenerationQueue* sharedQueue = nullptr);
    ~OpenAiServer();

    // Listens on host:port; the port bound, or why not.
    Result<int> bind();
    // Serves on the calling thread until stop().
    void run();
    // Whether run() is serving (a stop() before this is true may come too early to end run()).
    bool listening() const { return m_http.is_running(); }
    // From any thread: cancels the running generation, refuses new work and makes run() return.
    void stop();

    // Whether `host` only reaches this machine (127.0.0.0/8, ::1, localhost).
    static bool isLoopback(const std::string& host);

private:
    void routes();
    bool authorized(const httplib::Request& request, httplib::Response& response) const;
    void listModels(const httplib::Request& request, httplib::Response& response) const;
    void describeModel(const httplib::Request& request, httplib::Response& response) const;
    // Both completion routes: `prompt` carries the conversation or the raw prompt.
    void complete(
        const CompletionOptions& options, GenerateRequest prompt, bool chat, httplib::Response& response);

    Generator& m_generator;
    ServerOptions m_options;
    std::optional<GenerationQueue> m_ownQueue;
    GenerationQueue& m_queue;
    std::atomic<bool> m_stopping { false };
    const int64_t m_started; // Unix seconds: the model's "created"
    std::atomic<uint64_t> m_nextId { 1 };
    GuardedHttpServer m_http;
};

} // namespace hearth::server
