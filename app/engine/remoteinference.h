// RemoteInference: a model on an OpenAI-compatible server behind the engine process's InferenceApi,
// so the window chats, stops, regenerates and summarizes with it exactly as with a file.
#pragma once

#include "inferenceapi.h"
#include "openaiclient.h"

#include <optional>

namespace hearth::engineproc {

class RemoteInference final : public InferenceApi {
public:
    std::vector<DeviceInfo> devices() override { return {}; }
    Status load(const LoadOptions& options) override;
    // Asks the server for its models: the key works and the model is there, or the reason why not.
    Status connectRemote(const RemoteModel& remote) override;
    void unload() override { m_connected.reset(); }
    bool loaded() const override { return m_connected.has_value(); }
    ModelInfo info() const override;
    Result<GenerateStats> generate(const GenerateRequest& request,
        const std::function<bool(std::string_view)>& onPiece, const std::atomic<bool>* cancel) override;
    // The server's tokenizer is not ours to run: an estimate that errs high (a token per three bytes;
    // Llama 3's tokenizer averages about four on English), so document parts planned with it fit.
    Result<uint32_t> countTokens(std::string_view text) const override;
    Result<uint32_t> countPromptTokens(const std::vector<ChatMessage>& messages) const override;

private:
    struct Connected {
        RemoteModel remote;
        uint32_t contextLength = 0;
    };
    std::optional<Connected> m_connected;
};

} // namespace hearth::engineproc
