// What the OpenAI server needs of a model: its id, prompt sizes, and one generation at a time that
// streams pieces and stops when an atomic flag is set. The server's GenerationQueue guarantees that
// only one call runs at a time. hearth-cli serve puts an in-process hearth::Engine behind it
// (EngineGenerator); the app's engine process puts the model the window loaded behind it
// (app/engine/apiserverhost.h), so that the window's chat and the server share one model.
#pragma once

#include "engine.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace hearth::server {

class Generator {
public:
    virtual ~Generator() = default;
    // The id clients name the model by (GET /v1/models); empty while no model is loaded. Read from
    // any thread; it changes only while the one who changes it holds the GenerationQueue's turn.
    virtual std::string modelId() const = 0;
    // The model's context, in tokens.
    virtual uint32_t contextLength() const = 0;
    // The prompt's size as generate() would build it: the chat format's tokens for a conversation,
    // the BOS and the text's tokens for a raw prompt. May be an upper bound, never an underestimate.
    virtual Result<uint32_t> promptTokens(const GenerateRequest& request) const = 0;
    virtual Result<GenerateStats> generate(const GenerateRequest& request,
        const std::function<bool(std::string_view piece)>& onPiece, const std::atomic<bool>* cancel)
        = 0;
};

// An in-process hearth::Engine, loaded by the caller, served as `modelId`.
class EngineGenerator final : public Generator {
public:
    EngineGenerator(Engine& engine, std::string modelId)
        : m_engine(engine)
        , m_modelId(std::move(modelId))
    {
    }
    std::string modelId() const override { return m_modelId; }
    uint32_t contextLength() const override { return m_engine.info().contextLength; }
    Result<uint32_t> promptTokens(const GenerateRequest& request) const override;
    Result<GenerateStats> generate(const GenerateRequest& request,
        const std::function<bool(std::string_view piece)>& onPiece, const std::atomic<bool>* cancel) override
    {
        return m_engine.generate(request, onPiece, cancel);
    }

private:
    Engine& m_engine;
    const std::string m_modelId;
};

} // namespace hearth::server
