// What the engine process needs of an inference engine. hearth::Engine implements it through
// RealInference (realinference.cpp); tests put a scripted fake behind the same interface so the
// process, protocol and GUI can be exercised without a model.
#pragma once

#include "engine.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::engineproc {

// A model served by an OpenAI-compatible server (vLLM, SGLang, llama-server, Ollama, another
// Hearth), used in place of a file.
struct RemoteModel {
    std::string baseUrl; // up to and including "/v1"
    std::string apiKey;
    std::string model; // the server's id for it
};

class InferenceApi {
public:
    virtual ~InferenceApi() = default;
    virtual std::vector<DeviceInfo> devices() = 0;
    virtual Status load(const LoadOptions& options) = 0;
    // Chat with a server's model instead of a file; a failure keeps what was loaded.
    virtual Status connectRemote(const RemoteModel& remote)
    {
        (void)remote;
        return makeError(ErrorCode::Unsupported, "this engine cannot use remote servers");
    }
    virtual void unload() = 0;
    virtual bool loaded() const = 0;
    virtual ModelInfo info() const = 0;
    virtual Result<GenerateStats> generate(const GenerateRequest& request,
        const std::function<bool(std::string_view)>& onPiece, const std::atomic<bool>* cancel)
        = 0;
    // Token counts under the loaded model: plain texts, and conversations as generate() would prompt
    // them (chat format included). A fake without a tokenizer may leave these unsupported.
    virtual Result<uint32_t> countTokens(std::string_view text) const
    {
        (void)text;
        return makeError(ErrorCode::Unsupported, "this engine cannot count tokens");
    }
    virtual Result<uint32_t> countPromptTokens(const std::vector<ChatMessage>& messages) const
    {
        (void)messages;
        return makeError(ErrorCode::Unsupported, "this engine cannot count tokens");
    }
};

} // namespace hearth::engineproc
