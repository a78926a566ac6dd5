// hearth-cli serve -m MODEL [--host 127.0.0.1] [--port 8080] [--api-key KEY | env HEARTH_API_KEY]
//                  [--backend auto|cpu|vulkan] [--device N] [--model-name NAME] [-c CTX] [-t THREADS]
//                  [--queue N]
// The OpenAI-compatible API on the model, headless (app/server). A key is always required: the
// given one, or one generated now and printed once. Ends on SIGINT or SIGTERM.
#include "apikey.h"
#include "args.h"
#include "command.h"
#include "engine.h"
#include "generator.h"
#include "openaiserver.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <thread>

namespace {

using hearth::cli::Args;

bool parseCount(const Args& args, const char* option, long min, long max, long& out)
{
    const auto text = args.value(option);
    if (!text) return true;
    char* end = nullptr;
    const long value = std::strtol(text->c_str(), &end, 10);
    if (end == text->c_str() || *end != '\0' || value < min || value > max) {
        std::fprintf(stderr, "serve: %s expects a whole number from %ld to %ld, got '%s'\n", option, min, max,
            text->c_str());
        return false;
    }
    out = value;
    return true;
}

// The model's id: its file name without the folder and ".gguf".
std::string modelIdFromPath(const std::string& path)
{
    std::string name = path.substr(path.find_last_of('/') + 1);
    const std::string suffix = ".gguf";
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        name.resize(name.size() - suffix.size());
    return name;
}

int runServe(const std::vector<std::string>& argv)
{
    const Args args(argv,
        { "-m", "--host", "--port", "--api-key", "--backend", "--device", "--model-name", "-c", "-t",
            "--queue" });
    if (!args.error().empty()) {
        std::fprintf(stderr, "serve: %s\n", args.error().c_str());
        return 2;
    }
    const auto model = args.value("-m");
    if (!model) {
        std::fprintf(stderr,
            "usage: hearth-cli serve -m MODEL [--host 127.0.0.1] [--port 8080] [--api-key KEY] "
            "[--backend auto|cpu|vulkan] [--device N] [--model-name NAME] [-c CTX] [-t THREADS] [--queue N]\n"
            "The key may also come from the environment variable HEARTH_API_KEY; without either, one is "
            "generated and printed.\n");
        return 2;
    }
    long port = 8080, device = -1, context = 0, threads = 0, queue = 8;
    if (!parseCount(args, "--port", 0, 65535, port) || !parseCount(args, "--device", -1, 1024, device)
        || !parseCount(args, "-c", 0, 1 << 24, context) || !parseCount(args, "-t", 0, 1024, threads)
        || !parseCount(args, "--queue", 0, 256, queue)) {
        return 2;
    }
    const auto backend = hearth::cli::backendChoice(args.value("--backend", "auto"));
    if (!backend) {
        std::fprintf(stderr, "serve: --backend must be cpu, vulkan or auto\n");
        return 2;
    }

    hearth::server::ServerOptions options;
    options.host = args.value("--host", "127.0.0.1");
    options.port = static_cast<int>(port);
    options.maxWaiting = static_cast<size_t>(queue);
    const std::string modelId = args.value("--model-name", modelIdFromPath(*model));
    bool generatedKey = false;
    if (const auto key = args.value("--api-key")) {
        options.apiKey = *key;
    } else if (const char* key = std::getenv("HEARTH_API_KEY"); key && *key) {
        options.apiKey = key;
    } else if (auto key = hearth::server::generateApiKey()) {
        options.apiKey = *key;
        generatedKey = true;
    } else {
        std::fprintf(stderr, "serve: cannot read /dev/urandom to make an API key; give one with --api-key\n");
        return 1;
    }
    if (options.apiKey.empty()) {
        std::fprintf(stderr, "serve: the API key must not be empty\n");
        return 2;
    }
    if (!hearth::server::OpenAiServer::isLoopback(options.host)) {
        std::fprintf(stderr,
            "serve: warning: listening on %s, not only on this machine: anyone who can reach it and knows "
            "the key can use the model. The traffic is not encrypted.\n",
            options.host.c_str());
    }

    // SIGINT and SIGTERM are taken by one thread that stops the server; every other thread (the
    // engine's and the server's, started later) inherits the blocked mask.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    hearth::LoadOptions load;
    load.modelPath = *model;
    load.contextLength = static_cast<uint32_t>(context);
    load.deviceIndex = static_cast<int>(device);
    load.threads = static_cast<int>(threads);
    load.backend = *backend;
    hearth::Engine engine;
    if (auto status = engine.load(load); !status) {
        std::fprintf(stderr, "serve: %s\n", status.error().message.c_str());
        return 1;
    }
    const auto& info = engine.info();
    if (!info.notice.empty()) std::fprintf(stderr, "%s\n", info.notice.c_str());

    hearth::server::EngineGenerator generator(engine, modelId);
    hearth::server::OpenAiServer server(generator, options);
    const auto bound = server.bind();
    if (!bound) {
        std::fprintf(stderr, "serve: %s\n", bound.error().message.c_str());
        return 1;
    }
    std::thread waiter([&] {
        int signal = 0;
        sigwait(&stopSignals, &signal);
        server.stop();
    });

    std::printf("model %s [%s on %s, context %u]\n", modelId.c_str(), info.backend.c_str(),
        info.deviceName.c_str(), info.contextLength);
    if (generatedKey) std::printf("API key (generated for this run): %s\n", options.apiKey.c_str());
    std::printf("listening on http://%s:%d/v1\n", options.host.c_str(), *bound);
    std::fflush(stdout);
    server.run();

    // run() returns after stop(); when it returned for another reason, wake the waiter.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    std::printf("stopped\n");
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(
    "serve", "serve the OpenAI API (-m MODEL [--host H] [--port P] [--api-key KEY] ...)", runServe);
