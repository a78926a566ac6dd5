// The OpenAI-compatible API server (app/server) inside the engine process, on the model the window
// loaded: the window's chat and the server's clients share one model and take turns at it through
// one GenerationQueue (the engine's worker joins it for every load, count and generate; the server's
// requests join it as they do in hearth-cli serve). Started and stopped by the GUI with the protocol's
// `serve` and `stopServing` (docs/protocol.md); it runs across model switches, and answers 503 while
// no model is loaded.
#pragma once

#include "generationqueue.h"
#include "generator.h"
#include "inferenceapi.h"
#include "openaiserver.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

namespace hearth::engineproc {

// The id the server gives a model: its file's name without ".gguf", as the window names the model
// and as hearth-cli serve does (GGUF's general.name is often just "llama"); a server's model keeps
// its id there.
std::string servedModelId(const ModelInfo& info);

// The engine process's model, as the server sees it. Whoever loads or unloads a model calls
// modelChanged() afterwards, holding the queue's turn; the server calls the rest holding it too.
class LoadedModelGenerator final : public server::Generator {
public:
    explicit LoadedModelGenerator(InferenceApi& api)
        : m_api(api)
    {
    }
    void modelChanged();

    std::string modelId() const override;
    uint32_t contextLength() const override { return m_api.info().contextLength; }
    Result<uint32_t> promptTokens(const GenerateRequest& request) const override;
    Result<GenerateStats> generate(const GenerateRequest& request,
        const std::function<bool(std::string_view piece)>& onPiece, const std::atomic<bool>* cancel) override;

private:
    InferenceApi& m_api;
    mutable std::mutex m_mutex;
    std::string m_modelId;
};

struct ServeSettings {
    std::string host = "127.0.0.1";
    int port = 8080; // 0: any free port (the tests')
    bool nextFreePort = false; // the port is taken: try the next ones (up to 20 above)
    std::string apiKey;
};

// Why a server could not start, in the protocol's words: the code tells the GUI which setting to
// point at.
struct ServeError {
    enum class Kind { PortInUse, BadAddress, InvalidArgument } kind;
    std::string message;
};

class ApiServerHost {
public:
    ApiServerHost(server::Generator& model, server::GenerationQueue& turns)
        : m_model(model)
        , m_turns(turns)
    {
    }
    ~ApiServerHost() { stop(); }
    ApiServerHost(const ApiServerHost&) = delete;
    ApiServerHost& operator=(const ApiServerHost&) = delete;

    // Stops a running server, then listens as `settings` say and serves on a thread of its own. The
    // port bound, or why not. `completionStarted` is called on a server thread for each completion.
    std::variant<int, ServeError> start(
        const ServeSettings& settings, std::function<void()> completionStarted);
    // Cancels the server's generation, refuses what waits, closes the port; returns once it is closed.
    void stop();
    bool running() const { return m_server != nullptr; }

private:
    server::Generator& m_model;
    server::GenerationQueue& m_turns;
    std::unique_ptr<server::OpenAiServer> m_server;
    std::thread m_thread;
};

} // namespace hearth::engineproc
