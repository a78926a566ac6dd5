#include "openairequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <cstdio>

namespace hearth::server {

namespace {

std::string str(const QString& text)
{
    return text.toStdString();
}

std::string bound(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.16g", value);
    return text;
}

// The body as a JSON object, or the 400 that says why not.
std::variant<QJsonObject, ApiError> parseObject(std::string_view body)
{
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray::fromRawData(body.data(), static_cast<qsizetype>(body.size())), &error);
    if (error.error != QJsonParseError::NoError) {
        return ApiError::invalidRequest("The request body is not valid JSON: " + str(error.errorString())
            + " at offset " + std::to_string(error.offset) + ".");
    }
    if (!document.isObject()) return ApiError::invalidRequest("The request body must be a JSON object.");
    return document.object();
}

std::optional<ApiError> readNumber(
    const QJsonObject& json, const char* name, double min, double max, std::optional<double>& out)
{
    const QJsonValue value = json.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull()) return std::nullopt;
    if (!value.isDouble() || !std::isfinite(value.toDouble()) || value.toDouble() < min
        || value.toDouble() > max) {
        return ApiError::invalidRequest(
            "'" + std::string(name) + "' must be a number from " + bound(min) + " to " + bound(max) + ".",
            name);
    }
    out = value.toDouble();
    return std::nullopt;
}

std::optional<ApiError> readInteger(
    const QJsonObject& json, const char* name, double min, double max, std::optional<double>& out)
{
    if (auto error = readNumber(json, name, min, max, out)) return error;
    if (out && std::floor(*out) != *out)
        return ApiError::invalidRequest("'" + std::string(name) + "' must be an integer.", name);
    return std::nullopt;
}

// The fields /v1/chat/completions and /v1/completions share.
std::optional<ApiError> readOptions(const QJsonObject& json, CompletionOptions& options)
{
    const QJsonValue model = json.value(QLatin1String("model"));
    if (!model.isString() || model.toString().isEmpty())
        return ApiError::invalidRequest("'model' is required: the id GET /v1/models lists.", "model");
    options.model = str(model.toString());

    const QJsonValue stream = json.value(QLatin1String("stream"));
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool())
        return ApiError::invalidRequest("'stream' must be true or false.", "stream");
    options.stream = stream.toBool(false);
    const QJsonValue streamOptions = json.value(QLatin1String("stream_options"));
    if (streamOptions.isObject())
        options.streamUsage = streamOptions.toObject().value(QLatin1String("include_usage")).toBool(false);

    std::optional<double> number;
    // max_completion_tokens is the newer name of max_tokens in the chat API.
    for (const char* name : { "max_tokens", "max_completion_tokens" }) {
        number.reset();
        if (auto error = readInteger(json, name, 1, 1e9, number)) return error;
        if (number) options.maxTokens = static_cast<uint32_t>(*number);
    }
    number.reset();
    if (auto error = readNumber(json, "temperature", 0, 2, number)) return error;
    if (number) options.temperature = static_cast<float>(*number);
    number.reset();
    if (auto error = readNumber(json, "top_p", 0, 1, number)) return error;
    if (number) options.topP = static_cast<float>(*number);
    number.reset();
    // Integers past 2^53 lose digits in JSON's doubles; any seed up to there is distinct.
    if (auto error = readInteger(json, "seed", -9007199254740992.0, 9007199254740992.0, number)) return error;
    if (number) options.seed = static_cast<uint64_t>(static_cast<int64_t>(*number));
    number.reset();
    if (auto error = readInteger(json, "n", 1, 1, number)) {
        error->message = "'n' must be 1: this server writes one choice per request.";
        return error;
    }

    const QJsonValue stop = json.value(QLatin1String("stop"));
    if (stop.isString()) {
        options.stop.push_back(str(stop.toString()));
    } else if (stop.isArray()) {
        for (const QJsonValue& item : stop.toArray()) {
            if (!item.isString())
                return ApiError::invalidRequest("'stop' must be a string or a list of strings.", "stop");
            options.stop.push_back(str(item.toString()));
        }
    } else if (!stop.isUndefined() && !stop.isNull()) {
        return ApiError::invalidRequest("'stop' must be a string or a list of strings.", "stop");
    }
    if (options.stop.size() > 4) return ApiError::invalidRequest("'stop' takes at most 4 sequences.", "stop");
    for (const auto& sequence : options.stop)
        if (sequence.empty()) return ApiError::invalidRequest("A 'stop' sequence must not be empty.", "stop");
    return std::nullopt;
}

// A message's content: a string, or a list of {"type": "text", "text": ...} parts.
std::optional<std::string> messageText(const QJsonValue& content)
{
    if (content.isString()) return str(content.toString());
    if (!content.isArray()) return std::nullopt;
    std::string text;
    for (const QJsonValue& part : content.toArray()) {
        const QJsonObject object = part.toObject();
        if (object.value(QLatin1String("type")).toString() != QLatin1String("text")
            || !object.value(QLatin1String("text")).isString()) {
            return std::nullopt;
        }
        text += str(object.value(QLatin1String("text")).toString());
    }
    return text;
}

} // namespace

Parsed<ChatCompletionRequest> parseChatCompletionRequest(std::string_view body)
{
    auto parsed = parseObject(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) return *error;
    const QJsonObject& json = std::get<QJsonObject>(parsed);

    ChatCompletionRequest request;
    if (auto error = readOptions(json, request.options)) return *error;
    if (json.contains(QLatin1String("tools")) && !json.value(QLatin1String("tools")).isNull())
        return ApiError::invalidRequest("This server does not support tools.", "tools");

    const QJsonValue messages = json.value(QLatin1String("messages"));
    if (!messages.isArray() || messages.toArray().isEmpty())
        return ApiError::invalidRequest("'messages' must be a non-empty list of messages.", "messages");
    const QJsonArray list = messages.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const std::string param = "messages[" + std::to_string(i) + "]";
        const QJsonObject message = list[i].toObject();
        std::string role = str(message.value(QLatin1String("role")).toString());
        if (role == "developer") role = "system"; // the newer name of the system role
        if (role != "system" && role != "user" && role != "assistant") {
            return ApiError::invalidRequest(
                param + ".role must be 'system', 'user' or 'assistant'.", param + ".role");
        }
        const auto text = messageText(message.value(QLatin1String("content")));
        if (!text) {
            return ApiError::invalidRequest(
                param + ".content must be a string or a list of text parts.", param + ".content");
        }
        request.messages.push_back({ role, *text });
    }
    return request;
}

Parsed<TextCompletionRequest> parseTextCompletionRequest(std::string_view body)
{
    auto parsed = parseObject(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) return *error;
    const QJsonObject& json = std::get<QJsonObject>(parsed);

    TextCompletionRequest request;
    if (auto error = readOptions(json, request.options)) return *error;
    QJsonValue prompt = json.value(QLatin1String("prompt"));
    // One prompt: a string, or a list holding one string (the client libraries' batch form).
    if (prompt.isArray() && prompt.toArray().size() == 1) prompt = prompt.toArray().first();
    if (!prompt.isString() || prompt.toString().isEmpty())
        return ApiError::invalidRequest("'prompt' must be a non-empty string.", "prompt");
    request.prompt = str(prompt.toString());
    return request;
}

} // namespace hearth::server
