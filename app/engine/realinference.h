// hearth::Engine behind the engine process's InferenceApi.
#pragma once

#include "inferenceapi.h"

namespace hearth::engineproc {

class RealInference final : public InferenceApi {
public:
    std::vector<DeviceInfo> devices() override { return Engine::devices(); }
    Status load(const LoadOptions& options) override { return m_engine.load(options); }
    void unload() override { m_engine.unload(); }
    bool loaded() const override { return m_engine.loaded(); }
    ModelInfo info() const override { return m_engine.info(); }
    Result<GenerateStats> generate(const GenerateRequest& request,
        const std::function<bool(std::string_view)>& onPiece, const std::atomic<bool>* cancel) override
    {
        return m_engine.generate(request, onPiece, cancel);
    }
    Result<uint32_t> countTokens(std::string_view text) const override { return m_engine.countTokens(text); }
    Result<uint32_t> countPromptTokens(const std::vector<ChatMessage>& messages) const override
    {
        return m_engine.countPromptTokens(messages);
    }

private:
    Engine m_engine;
};

} // namespace hearth::engineproc
