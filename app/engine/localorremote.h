// LocalOrRemote: the engine process's model is either a file (the local engine) or a server's model
// (RemoteInference). Loading one lets the other go once the new one is ready; a failed load or
// connection keeps whichever was in use.
#pragma once

#include "inferenceapi.h"
#include "remoteinference.h"

namespace hearth::engineproc {

class LocalOrRemote final : public InferenceApi {
public:
    explicit LocalOrRemote(InferenceApi& local)
        : m_local(local)
    {
    }

    std::vector<DeviceInfo> devices() override { return m_local.devices(); }
    Status load(const LoadOptions& options) override
    {
        Status status = m_local.load(options);
        if (status.ok()) {
            m_remote.unload();
            m_active = &m_local;
        }
        return status;
    }
    Status connectRemote(const RemoteModel& remote) override
    {
        Status status = m_remote.connectRemote(remote);
        if (status.ok()) {
            m_local.unload(); // its memory (a GPU's, often) is free for other programs
            m_active = &m_remote;
        }
        return status;
    }
    void unload() override
    {
        m_local.unload();
        m_remote.unload();
    }
    bool loaded() const override { return m_active->loaded(); }
    ModelInfo info() const override { return m_active->info(); }
    Result<GenerateStats> generate(const GenerateRequest& request,
        const std::function<bool(std::string_view)>& onPiece, const std::atomic<bool>* cancel) override
    {
        return m_active->generate(request, onPiece, cancel);
    }
    Result<uint32_t> countTokens(std::string_view text) const override { return m_active->countTokens(text); }
    Result<uint32_t> countPromptTokens(const std::vector<ChatMessage>& messages) const override
    {
        return m_active->countPromptTokens(messages);
    }

private:
    InferenceApi& m_local;
    RemoteInference m_remote;
    InferenceApi* m_active = &m_local;
};

} // namespace hearth::engineproc
