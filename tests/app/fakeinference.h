// A scripted stand-in for hearth::Engine so the engine process, protocol and GUI can be tested
// without depending on inference speed. It is never shipped: only hearth-engine-fake links it.
// Behaviour (all deterministic):
//  - load: the file must exist and start with "GGUF", else FileNotFound / BadFormat. On "vulkan" the
//    fake GPU holds 1024 positions: a larger context is OutOfMemory as the Vulkan backend words it,
//    or with fitContext becomes 1024 with the engine's notice. As the real engine, a bad file keeps
//    the loaded model and the GPU's OutOfMemory leaves nothing loaded (the server reloads the old one).
//  - generate: replies "Echo: <last user text>" and then numbered words, one piece per word,
//    HEARTH_FAKE_DELAY_MS apart (default 2), until maxTokens; the user text "crash now" aborts the
//    process (a driver fault) and "device lost" returns a DeviceLost error; a user text starting
//    with "system?" echoes the system message the model was given instead. With continueLast (the
//    last message is a partial reply) the pieces are " c1", " c2", ... instead. The user text "nice?"
//    echoes the generating thread's nice value as the kernel reports it ("Echo: nice 10").
//  - tuneKernels on "vulkan": the first load of a path sends tuning progress (0, 0.5, 1) over 0.3 s,
//    later ones none, as the real tuner's cache does.
//  - context overflow: one token per word; the oldest messages are dropped (and counted) to fit.
#pragma once

#include "inferenceapi.h"

#include <set>
#include <string>

namespace hearth::test {

class FakeInference final : public engineproc::InferenceApi {
public:
    std::vector<DeviceInfo> devices() override;
    Status load(const LoadOptions& options) override;
    void unload() override { m_loaded = false; }
    bool loaded() const override { return m_loaded; }
    ModelInfo info() const override { return m_info; }
    Result<GenerateStats> generate(const GenerateRequest& request,
        const std::function<bool(std::string_view)>& onPiece, const std::atomic<bool>* cancel) override;

private:
    bool m_loaded = false;
    ModelInfo m_info;
    size_t m_lastPromptWords = 0;
    std::set<std::string> m_tunedModels; // the fake GPU's tuning cache
};

} // namespace hearth::test
