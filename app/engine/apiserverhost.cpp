#include "apiserverhost.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hearth::engineproc {

namespace {

// Why `host`:`port` cannot be listened on, asked of the system directly (the HTTP library only says
// that it failed): EADDRINUSE, EADDRNOTAVAIL, EACCES..., or 0 when it could be bound now.
int bindError(const std::string& host, int port)
{
    addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
        return EADDRNOTAVAIL;
    int error = 0;
    const int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd < 0) {
        error = errno;
    } else {
        const int yes = 1; // as the HTTP library binds
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0) error = errno;
        ::close(fd);
    }
    ::freeaddrinfo(found);
    return error;
}

ServeError describeBindFailure(const std::string& host, int port)
{
    const std::string where = host + ":" + std::to_string(port);
    switch (bindError(host, port)) {
    case EADDRINUSE:
        return { ServeError::Kind::PortInUse,
            "Port " + std::to_string(port) + " is already in use by another program. Choose another port, "
                + "or stop the program that uses it." };
    case EACCES:
        return { ServeError::Kind::PortInUse,
            "Port " + std::to_string(port)
                + " needs administrator rights on this system. Choose a port above 1023." };
    case EADDRNOTAVAIL:
        return { ServeError::Kind::BadAddress,
            "The address " + host + " is not one of this machine's, so the server cannot listen on it." };
    default:
        return { ServeError::Kind::BadAddress, "Cannot listen on " + where + "." };
    }
}

} // namespace

std::string servedModelId(const ModelInfo& info)
{
    if (info.path.empty()) return info.name; // a server's model: its id there
    std::string name = info.path.substr(info.path.find_last_of('/') + 1);
    const std::string suffix = ".gguf";
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        name.resize(name.size() - suffix.size());
    return name;
}

void LoadedModelGenerator::modelChanged()
{
    const std::string id = m_api.loaded() ? servedModelId(m_api.info()) : std::string();
    std::lock_guard lock(m_mutex);
    m_modelId = id;
}

std::string LoadedModelGenerator::modelId() const
{
    std::lock_guard lock(m_mutex);
    return m_modelId;
}

Result<uint32_t> LoadedModelGenerator::promptTokens(const GenerateRequest& request) const
{
    if (request.useChat && !request.messages.empty()) return m_api.countPromptTokens(request.messages);
    // Plain text tokenized without special tokens errs on the large side (see EngineGenerator); one
    // more for the BOS.
    auto count = m_api.countTokens(request.rawPrompt);
    if (!count) return count.error();
    return *count + 1;
}

Result<GenerateStats> LoadedModelGenerator::generate(const GenerateRequest& request,
    const std::function<bool(std::string_view piece)>& onPiece, const std::atomic<bool>* cancel)
{
    return m_api.generate(request, onPiece, cancel);
}

std::variant<int, ServeError> ApiServerHost::start(
    const ServeSettings& settings, std::function<void()> completionStarted)
{
    stop();
    if (settings.apiKey.empty())
        return ServeError { ServeError::Kind::InvalidArgument, "The API server needs a key." };
    if (settings.port < 0 || settings.port > 65535)
        return ServeError { ServeError::Kind::InvalidArgument,
            "The port must be a number from 1 to 65535, not " + std::to_string(settings.port) + "." };

    const int last
        = settings.nextFreePort && settings.port > 0 ? std::min(settings.port + 20, 65535) : settings.port;
    for (int port = settings.port; port <= last; ++port) {
        server::ServerOptions options;
        options.host = settings.host;
        options.port = port;
        options.apiKey = settings.apiKey;
        options.maxWaiting = m_turns.maxWaiting();
        options.completionStarted = completionStarted;
        auto server = std::make_unique<server::OpenAiServer>(m_model, options, &m_turns);
        const auto bound = server->bind();
        if (!bound) {
            ServeError why = describeBindFailure(settings.host, port);
            if (why.kind == ServeError::Kind::PortInUse && port < last) continue;
            if (settings.nextFreePort && port > settings.port)
                why.message = "Ports " + std::to_string(settings.port) + " to " + std::to_string(last)
                    + " are all in use by other programs. Choose another port.";
            return why;
        }
        m_server = std::move(server);
        m_thread = std::thread([server = m_server.get()] { server->run(); });
        // Until the library says it runs, its stop() would not reach it (a bounded wait: a listen
        // that ends at once never says so).
        for (int waited = 0; waited < 2000 && !m_server->listening(); ++waited)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return *bound;
    }
    return ServeError { ServeError::Kind::PortInUse, "No free port." }; // not reached: last >= port
}

void ApiServerHost::stop()
{
    if (!m_server) return;
    m_server->stop();
    if (m_thread.joinable()) m_thread.join();
    m_server.reset();
}

} // namespace hearth::engineproc
