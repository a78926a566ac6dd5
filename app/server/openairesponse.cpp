#include "openairesponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hearth::server {

namespace {

QString qstr(const std::string& text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QJsonValue orNull(const std::string& text)
{
    return text.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(qstr(text));
}

std::string compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

QJsonObject usageObject(const Usage& usage)
{
    return { { "prompt_tokens", static_cast<qint64>(usage.promptTokens) },
        { "completion_tokens", static_cast<qint64>(usage.completionTokens) },
        { "total_tokens", static_cast<qint64>(usage.promptTokens + usage.completionTokens) } };
}

QJsonObject base(const ResponseHeader& header, const char* object)
{
    return { { "id", qstr(header.id) }, { "object", object },
        { "created", static_cast<qint64>(header.created) }, { "model", qstr(header.model) },
        { "system_fingerprint", QJsonValue::Null } };
}

QJsonValue finish(const std::optional<std::string>& reason)
{
    return reason ? QJsonValue(qstr(*reason)) : QJsonValue(QJsonValue::Null);
}

} // namespace

std::string errorJson(const ApiError& error)
{
    const QJsonObject body { { "message", qstr(error.message) }, { "type", qstr(error.type) },
        { "param", orNull(error.param) }, { "code", orNull(error.code) } };
    return compact({ { "error", body } });
}

std::string modelJson(const std::string& modelId, int64_t created)
{
    return compact({ { "id", qstr(modelId) }, { "object", "model" },
        { "created", static_cast<qint64>(created) }, { "owned_by", "hearth" } });
}

std::string modelListJson(const std::string& modelId, int64_t created)
{
    if (modelId.empty()) return compact({ { "object", "list" }, { "data", QJsonArray() } });
    const QJsonObject model
        = QJsonDocument::fromJson(QByteArray::fromStdString(modelJson(modelId, created))).object();
    return compact({ { "object", "list" }, { "data", QJsonArray { model } } });
}

std::string chatCompletionJson(const ResponseHeader& header, const std::string& text,
    const std::string& finishReason, const Usage& usage)
{
    const QJsonObject message { { "role", "assistant" }, { "content", qstr(text) } };
    const QJsonObject choice { { "index", 0 }, { "message", message }, { "logprobs", QJsonValue::Null },
        { "finish_reason", qstr(finishReason) } };
    QJsonObject object = base(header, "chat.completion");
    object.insert("choices", QJsonArray { choice });
    object.insert("usage", usageObject(usage));
    return compact(object);
}

std::string textCompletionJson(const ResponseHeader& header, const std::string& text,
    const std::string& finishReason, const Usage& usage)
{
    const QJsonObject choice { { "index", 0 }, { "text", qstr(text) }, { "logprobs", QJsonValue::Null },
        { "finish_reason", qstr(finishReason) } };
    QJsonObject object = base(header, "text_completion");
    object.insert("choices", QJsonArray { choice });
    object.insert("usage", usageObject(usage));
    return compact(object);
}

std::string chatChunkJson(const ResponseHeader& header, const std::optional<std::string>& text, bool withRole,
    const std::optional<std::string>& finishReason)
{
    QJsonObject delta;
    if (withRole) delta.insert("role", "assistant");
    if (text) delta.insert("content", qstr(*text));
    const QJsonObject choice { { "index", 0 }, { "delta", delta }, { "logprobs", QJsonValue::Null },
        { "finish_reason", finish(finishReason) } };
    QJsonObject object = base(header, "chat.completion.chunk");
    object.insert("choices", QJsonArray { choice });
    return compact(object);
}

std::string textChunkJson(
    const ResponseHeader& header, const std::string& text, const std::optional<std::string>& finishReason)
{
    const QJsonObject choice { { "index", 0 }, { "text", qstr(text) }, { "logprobs", QJsonValue::Null },
        { "finish_reason", finish(finishReason) } };
    QJsonObject object = base(header, "text_completion");
    object.insert("choices", QJsonArray { choice });
    return compact(object);
}

std::string usageChunkJson(const ResponseHeader& header, bool chat, const Usage& usage)
{
    QJsonObject object = base(header, chat ? "chat.completion.chunk" : "text_completion");
    object.insert("choices", QJsonArray {});
    object.insert("usage", usageObject(usage));
    return compact(object);
}

std::string sseEvent(const std::string& json)
{
    return "data: " + json + "\n\n";
}

} // namespace hearth::server
