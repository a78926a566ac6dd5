// A request body of POST /v1/chat/completions or /v1/completions, checked and typed: the fields the
// server honours, each validated with a message that names the field and what it expects. Fields
// this server does not implement are ignored, as other OpenAI-compatible servers do, except where
// ignoring would change the answer (n > 1, tools).
#pragma once

#include "apierror.h"
#include "chat/chat_format.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hearth::server {

struct CompletionOptions {
    std::string model;
    bool stream = false;
    bool streamUsage = false; // stream_options.include_usage: a last chunk carries `usage`
    std::optional<uint32_t> maxTokens; // none: until the end of the turn or the context
    float temperature = 1.0f; // OpenAI's defaults
    float topP = 1.0f;
    std::optional<uint64_t> seed;
    std::vector<std::string> stop; // at most 4, none empty
};

struct ChatCompletionRequest {
    CompletionOptions options;
    std::vector<ChatMessage> messages;
};

struct TextCompletionRequest {
    CompletionOptions options;
    std::string prompt;
};

template <typename T> using Parsed = std::variant<T, ApiError>;

Parsed<ChatCompletionRequest> parseChatCompletionRequest(std::string_view body);
Parsed<TextCompletionRequest> parseTextCompletionRequest(std::string_view body);

} // namespace hearth::server
