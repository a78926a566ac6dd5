// One completion on the Generator, as the OpenAI API means it: the prompt must fit with the
// requested max_tokens (else 400 context_length_exceeded, never a silently shortened conversation),
// the sampler takes temperature, top_p and seed and nothing else (no top-k, min-p or repetition
// penalty: a client asking for temperature 0 gets the model's argmax), `stop` sequences end the text
// before they appear, and the text goes to `emit` as it is produced. The caller holds the
// GenerationQueue's turn.
#pragma once

#include "apierror.h"
#include "generator.h"
#include "openairequest.h"
#include "openairesponse.h"

#include <atomic>
#include <functional>
#include <string_view>
#include <variant>

namespace hearth::server {

struct CompletionOutcome {
    Usage usage;
    std::string finishReason; // "stop" or "length"
    bool cancelled = false; // `emit` refused (the client went away) or `cancel` was set
};

// Step 1: `prompt` (the conversation or raw prompt: useChat, messages / rawPrompt) with the sampler
// and maxTokens from `options`, or the 400 that says why it cannot run (before any reply is sent).
std::variant<GenerateRequest, ApiError> prepareCompletion(
    Generator& generator, GenerateRequest prompt, const CompletionOptions& options);

// Step 2: generates. `emit` returns false when the text can no longer be delivered.
std::variant<CompletionOutcome, ApiError> runCompletion(Generator& generator, const GenerateRequest& request,
    const CompletionOptions& options, const std::function<bool(std::string_view text)>& emit,
    const std::atomic<bool>* cancel = nullptr);

} // namespace hearth::server
