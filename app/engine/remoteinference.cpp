#include "remoteinference.h"

#include <algorithm>
#include <chrono>

namespace hearth::engineproc {

namespace {

// What the window shows for a server whose context it cannot ask (the OpenAI API has no field for
// it): the budget the documents planner and the context notices work with.
constexpr uint32_t kAssumedContext = 8192;

remote::OpenAiClient clientFor(const RemoteModel& remote)
{
    return remote::OpenAiClient({ remote.baseUrl, remote.apiKey });
}

std::string hostOf(const std::string& url)
{
    const size_t start = url.find("://");
    const size_t from = start == std::string::npos ? 0 : start + 3;
    return url.substr(from, url.find('/', from) - from);
}

} // namespace

Status RemoteInference::load(const LoadOptions&)
{
    return makeError(ErrorCode::Unsupported, "a remote server has no model files to load");
}

Status RemoteInference::connectRemote(const RemoteModel& remote)
{
    auto models = clientFor(remote).listModels();
    if (!models) return models.error();
    if (std::find(models->begin(), models->end(), remote.model) == models->end()) {
        std::string listed;
        for (const std::string& id : *models)
            listed += (listed.empty() ? "" : ", ") + id;
        return makeError(ErrorCode::FileNotFound,
            hostOf(remote.baseUrl) + " has no model \"" + remote.model
                + "\"; it has: " + (listed.empty() ? "none" : listed));
    }
    m_connected = Connected { remote, kAssumedContext };
    return Ok {};
}

ModelInfo RemoteInference::info() const
{
    ModelInfo info;
    if (!m_connected) return info;
    info.name = m_connected->remote.model;
    info.architecture = "remote";
    info.contextLength = m_connected->contextLength;
    info.backend = "remote";
    info.deviceName = hostOf(m_connected->remote.baseUrl);
    info.chatFormat = "server";
    return info;
}

Result<GenerateStats> RemoteInference::generate(const GenerateRequest& request,
    const std::function<bool(std::string_view)>& onPiece, const std::atomic<bool>* cancel)
{
    if (!m_connected) return makeError(ErrorCode::InvalidArgument, "no server is connected");
    if (!request.useChat)
        return makeError(
            ErrorCode::Unsupported, "a remote model is asked with a conversation, not a raw prompt");
    if (request.continueLast)
        return makeError(ErrorCode::Unsupported,
            "Continue is not available with a remote server: the OpenAI API cannot go on from part of a "
            "reply. Regenerate the reply instead.");
    remote::ChatRequest chat;
    chat.model = m_connected->remote.model;
    chat.messages = request.messages;
    chat.temperature = request.sampler.temperature;
    chat.topP = request.sampler.topP;
    chat.seed = request.sampler.seed;
    chat.maxTokens = request.maxTokens;

    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    std::optional<Clock::time_point> firstPiece;
    uint32_t pieces = 0;
    auto outcome = clientFor(m_connected->remote)
                       .streamChat(
                           chat,
                           [&](std::string_view piece) {
                               if (!firstPiece) firstPiece = Clock::now();
                               ++pieces;
                               return onPiece(piece);
                           },
                           cancel);
    if (!outcome) return outcome.error();

    GenerateStats stats;
    stats.promptTokens = outcome->promptTokens;
    stats.generatedTokens = std::max(outcome->completionTokens, pieces);
    const auto end = Clock::now();
    if (firstPiece) {
        stats.timeToFirstTokenMs = std::chrono::duration<double, std::milli>(*firstPiece - start).count();
        const double decodeSeconds = std::chrono::duration<double>(end - *firstPiece).count();
        if (stats.generatedTokens > 1 && decodeSeconds > 0)
            stats.decodeTokensPerSecond = (stats.generatedTokens - 1) / decodeSeconds;
    }
    stats.stopReason = outcome->cancelled ? StopReason::Cancelled
        : outcome->lengthLimited          ? StopReason::MaxTokens
                                          : StopReason::EndOfTurn;
    return stats;
}

Result<uint32_t> RemoteInference::countTokens(std::string_view text) const
{
    return uint32_t((text.size() + 2) / 3);
}

Result<uint32_t> RemoteInference::countPromptTokens(const std::vector<ChatMessage>& messages) const
{
    uint32_t total = 0;
    for (const ChatMessage& m : messages)
        total += 8 + uint32_t((m.content.size() + 2) / 3); // the turn's header and end, generously
    return total + 8;
}

} // namespace hearth::engineproc
