// OpenAiClient: Hearth as a client of an OpenAI-compatible server (vLLM, SGLang, llama-server,
// Ollama, another Hearth): list its models and stream a chat completion. Blocking calls, for a
// worker thread; every failure comes back as a sentence the user can act on, and a reply cut short
// keeps what arrived (the pieces were handed on as they came).
// HTTP and TLS are Debian's cpp-httplib over OpenSSL; certificates are always verified.
#pragma once

#include "chat/chat_format.h"
#include "util/result.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::remote {

struct Endpoint {
    std::string baseUrl; // e.g. "http://127.0.0.1:8080/v1", "https://gpu-box.lan/v1"
    std::string apiKey; // sent as "Authorization: Bearer …"; empty: none
    int connectSeconds = 10;
    int silenceSeconds = 120; // a server that sends nothing for this long is given up on
};

struct ChatRequest {
    std::string model;
    std::vector<ChatMessage> messages;
    float temperature = 0.8f;
    float topP = 0.95f;
    uint64_t seed = 0; // 0: not sent
    uint32_t maxTokens = 512;
};

struct ChatOutcome {
    uint32_t promptTokens = 0; // as the server counted them; 0 when it did not say
    uint32_t completionTokens = 0;
    bool cancelled = false;
    bool lengthLimited = false; // finish_reason "length"
};

class OpenAiClient {
public:
    explicit OpenAiClient(Endpoint endpoint);

    Result<std::vector<std::string>> listModels() const;
    // Streams each piece of the reply to onPiece (false from it, or `cancel` set, stops the stream).
    Result<ChatOutcome> streamChat(const ChatRequest& request,
        const std::function<bool(std::string_view piece)>& onPiece,
        const std::atomic<bool>* cancel = nullptr) const;

private:
    Endpoint m_endpoint;
};

} // namespace hearth::remote
