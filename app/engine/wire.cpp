// JSON <-> inference types for the engine protocol (field names are listed in docs/protocol.md).
#include "wire.h"

#include <QJsonArray>

namespace hearth::engineproc {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument:
        return "InvalidArgument";
    case ErrorCode::FileNotFound:
        return "FileNotFound";
    case ErrorCode::Io:
        return "Io";
    case ErrorCode::BadFormat:
        return "BadFormat";
    case ErrorCode::Unsupported:
        return "Unsupported";
    case ErrorCode::NoDevice:
        return "NoDevice";
    case ErrorCode::OutOfMemory:
        return "OutOfMemory";
    case ErrorCode::DeviceLost:
        return "DeviceLost";
    case ErrorCode::Cancelled:
        return "Cancelled";
    case ErrorCode::Internal:
        return "Internal";
    }
    return "Internal";
}

QString stopReasonName(StopReason reason)
{
    switch (reason) {
    case StopReason::EndOfTurn:
        return "endOfTurn";
    case StopReason::MaxTokens:
        return "maxTokens";
    case StopReason::ContextFull:
        return "contextFull";
    case StopReason::Cancelled:
        return "cancelled";
    }
    return "endOfTurn";
}

BackendChoice backendFromName(const QString& name)
{
    if (name == "cpu") return BackendChoice::Cpu;
    if (name == "vulkan") return BackendChoice::Vulkan;
    return BackendChoice::Auto;
}

QJsonObject toJson(const ModelInfo& info)
{
    QJsonArray mix;
    for (const TypeShare& share : info.typeMix)
        mix.append(QJsonObject {
            { "type", QString::fromUtf8(typeName(share.type).data(), typeName(share.type).size()) },
            { "tensors", double(share.tensors) }, { "bytes", double(share.bytes) } });
    return { { "name", QString::fromStdString(info.name) }, { "path", QString::fromStdString(info.path) },
        { "architecture", QString::fromStdString(info.architecture) },
        { "parameterCount", double(info.parameterCount) },
        { "quantization", QString::fromStdString(info.quantization) }, { "typeMix", mix },
        { "contextLength", double(info.contextLength) }, { "trainedContext", double(info.trainedContext) },
        { "vocabSize", double(info.vocabSize) }, { "backend", QString::fromStdString(info.backend) },
        { "deviceName", QString::fromStdString(info.deviceName) },
        { "chatFormat", QString::fromStdString(info.chatFormat) },
        { "notice", QString::fromStdString(info.notice) } };
}

QJsonObject toJson(const GenerateStats& stats)
{
    return { { "promptTokens", double(stats.promptTokens) }, { "reusedTokens", double(stats.reusedTokens) },
        { "generatedTokens", double(stats.generatedTokens) },
        { "droppedMessages", double(stats.droppedMessages) },
        { "timeToFirstTokenMs", stats.timeToFirstTokenMs },
        { "prefillTokensPerSecond", stats.prefillTokensPerSecond },
        { "decodeTokensPerSecond", stats.decodeTokensPerSecond },
        { "stopReason", stopReasonName(stats.stopReason) } };
}

QJsonObject toJson(const DeviceInfo& device)
{
    return { { "index", device.index }, { "name", QString::fromStdString(device.name) },
        { "kind", QString::fromStdString(device.type) }, { "memoryBytes", double(device.memoryBytes) } };
}

Result<GenerateRequest> generateRequestFromJson(const QJsonObject& message)
{
    GenerateRequest request;
    // Step 1: the conversation, or a raw prompt.
    if (message.contains("prompt")) {
        if (!message.value("prompt").isString())
            return makeError(ErrorCode::InvalidArgument, "\"prompt\" must be a string");
        request.rawPrompt = message.value("prompt").toString().toStdString();
        request.useChat = false;
    } else {
        if (!message.value("messages").isArray())
            return makeError(ErrorCode::InvalidArgument, "generate needs a \"messages\" array");
        for (const QJsonValue& v : message.value("messages").toArray()) {
            const QJsonObject m = v.toObject();
            if (!m.value("role").isString() || !m.value("content").isString())
                return makeError(
                    ErrorCode::InvalidArgument, "each message needs string \"role\" and \"content\"");
            request.messages.push_back(
                { m.value("role").toString().toStdString(), m.value("content").toString().toStdString() });
        }
        // "Continue": the last message is the partial reply the pieces extend.
        request.continueLast = message.value("continueLast").toBool(false);
        if (request.continueLast && (request.messages.empty() || request.messages.back().role != "assistant"))
            return makeError(ErrorCode::InvalidArgument,
                "\"continueLast\" needs the last message to be the assistant's partial reply");
    }
    request.background = message.value("background").toBool(false);
    // Step 2: sampler settings; absent ones keep the library defaults.
    const QJsonObject s = message.value("sampler").toObject();
    SamplerSettings& out = request.sampler;
    out.temperature = float(s.value("temperature").toDouble(out.temperature));
    out.topK = s.value("topK").toInt(out.topK);
    out.topP = float(s.value("topP").toDouble(out.topP));
    out.minP = float(s.value("minP").toDouble(out.minP));
    out.repeatPenalty = float(s.value("repeatPenalty").toDouble(out.repeatPenalty));
    out.repeatWindow = s.value("repeatWindow").toInt(out.repeatWindow);
    out.seed = uint64_t(s.value("seed").toDouble(double(out.seed)));
    const int maxTokens = message.value("maxTokens").toInt(int(request.maxTokens));
    if (maxTokens <= 0) return makeError(ErrorCode::InvalidArgument, "\"maxTokens\" must be positive");
    request.maxTokens = uint32_t(maxTokens);
    return request;
}

LoadOptions loadOptionsFromJson(const QJsonObject& message)
{
    LoadOptions options;
    options.modelPath = message.value("path").toString().toStdString();
    options.backend = backendFromName(message.value("backend").toString());
    options.deviceIndex = message.value("device").toInt(-1);
    options.contextLength = uint32_t(qMax(0, message.value("context").toInt(0)));
    options.threads = qMax(0, message.value("threads").toInt(0));
    options.fitContext = message.value("fitContext").toBool(false);
    options.tuneKernels = message.value("tuneKernels").toBool(false);
    return options;
}

} // namespace hearth::engineproc
