// The Engine's private state, shared by its source files (load, prompt building, generation).
#pragma once

#include "backend.h"
#include "chat/chat_format.h"
#include "engine.h"
#include "gguf/gguf.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "tokenizer/tokenizer.h"

#include <memory>
#include <vector>

namespace hearth {

struct PromptTokens {
    std::vector<int32_t> ids;
    uint32_t droppedMessages = 0;
};

struct Engine::Impl {
    std::unique_ptr<GgufFile> file; // the weights are views into its mapping: destroyed last
    LlamaConfig config;
    LlamaWeights weights;
    std::unique_ptr<Tokenizer> tokenizer;
    std::unique_ptr<ChatFormat> chatFormat;
    std::vector<int32_t> chatStopTokens; // the template's end-of-turn token(s), beside EOS and EOT
    std::unique_ptr<Backend> backend;
    ModelInfo info;

    // The tokens whose keys and values are in the backend's cache, position by position.
    std::vector<int32_t> cached;
    std::vector<float> logits; // vocab floats: the last position's

    bool isLoaded() const { return backend != nullptr; }

    // The request's prompt as ids, with the oldest turns dropped until it fits the context with
    // `reserve` positions left for the reply (prompt_fit.cpp).
    Result<PromptTokens> buildPrompt(const GenerateRequest& request, uint32_t reserve) const;
    // A conversation as the chat format renders it, as ids (prompt_fit.cpp); the template's own
    // error where it refuses the conversation.
    Result<std::vector<int32_t>> chatIds(
        const std::vector<ChatMessage>& messages, const ChatFormatOptions& options) const;
};

} // namespace hearth
