// The JSON the server answers with, shaped as OpenAI's API: errors, the model list, completions
// (chat and text) whole or as server-sent-event chunks. Serialised compactly, one line each, so a
// chunk fits in one SSE `data:` line.
#pragma once

#include "apierror.h"

#include <cstdint>
#include <optional>
#include <string>

namespace hearth::server {

struct Usage {
    uint32_t promptTokens = 0;
    uint32_t completionTokens = 0;
};

// What every object of one response shares.
struct ResponseHeader {
    std::string id; // "chatcmpl-…" / "cmpl-…"
    std::string model;
    int64_t created = 0; // Unix seconds
};

std::string errorJson(const ApiError& error);
// The models served: this one, or none when `modelId` is empty (no model loaded).
std::string modelListJson(const std::string& modelId, int64_t created);
std::string modelJson(const std::string& modelId, int64_t created);

// finishReason: "stop" or "length".
std::string chatCompletionJson(const ResponseHeader& header, const std::string& text,
    const std::string& finishReason, const Usage& usage);
std::string textCompletionJson(const ResponseHeader& header, const std::string& text,
    const std::string& finishReason, const Usage& usage);

// Streamed chunks: the first chat chunk carries the role; text; the last carries finish_reason (and
// no text); with stream_options.include_usage one more chunk with no choices carries usage.
std::string chatChunkJson(const ResponseHeader& header, const std::optional<std::string>& text, bool withRole,
    const std::optional<std::string>& finishReason);
std::string textChunkJson(
    const ResponseHeader& header, const std::string& text, const std::optional<std::string>& finishReason);
std::string usageChunkJson(const ResponseHeader& header, bool chat, const Usage& usage);

// One server-sent event, and the stream's end.
std::string sseEvent(const std::string& json);
inline constexpr const char* sseDone = "data: [DONE]\n\n";

} // namespace hearth::server
