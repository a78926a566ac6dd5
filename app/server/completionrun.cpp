#include "completionrun.h"

#include "engine/stop_strings.h"

namespace hearth::server {

namespace {

SamplerSettings samplerFor(const CompletionOptions& options)
{
    SamplerSettings sampler;
    sampler.temperature = options.temperature;
    sampler.topP = options.topP;
    sampler.topK = 0;
    sampler.minP = 0;
    sampler.repeatPenalty = 1.0f;
    // The engine reads seed 0 as "pick one at random"; OpenAI's seed 0 is a seed like any other.
    if (options.seed)
        sampler.seed = *options.seed == 0 ? 0x9E3779B97F4A7C15ull : *options.seed;
    else
        sampler.seed = 0;
    return sampler;
}

const char* promptParam(const GenerateRequest& request)
{
    return request.useChat && !request.messages.empty() ? "messages" : "prompt";
}

} // namespace

std::variant<GenerateRequest, ApiError> prepareCompletion(
    Generator& generator, GenerateRequest prompt, const CompletionOptions& options)
{
    // The prompt and the reply must fit in the context, as OpenAI's API requires.
    const std::string param = promptParam(prompt);
    const auto promptTokens = generator.promptTokens(prompt);
    if (!promptTokens) return ApiError::invalidRequest(promptTokens.error().message, param);
    const uint32_t context = generator.contextLength();
    const uint32_t wanted = options.maxTokens.value_or(1);
    if (*promptTokens >= context || *promptTokens + uint64_t(wanted) > context) {
        return ApiError::invalidRequest("This model's maximum context length is " + std::to_string(context)
                + " tokens. However, you requested " + std::to_string(*promptTokens + uint64_t(wanted))
                + " tokens (" + std::to_string(*promptTokens) + " in the " + param + ", "
                + std::to_string(wanted) + " in the completion). Please reduce the length of the " + param
                + " or completion.",
            param, "context_length_exceeded");
    }
    prompt.maxTokens = options.maxTokens.value_or(context - *promptTokens);
    prompt.sampler = samplerFor(options);
    return prompt;
}

std::variant<CompletionOutcome, ApiError> runCompletion(Generator& generator, const GenerateRequest& request,
    const CompletionOptions& options, const std::function<bool(std::string_view text)>& emit,
    const std::atomic<bool>* cancel)
{
    // Text that may be the start of a stop sequence is held back until it is clear.
    StopStringFilter stops(options.stop);
    bool stopped = false;
    bool refused = false;
    auto deliver = [&](const std::string& text) {
        if (text.empty() || refused) return !refused;
        refused = !emit(text);
        return !refused;
    };
    auto stats = generator.generate(
        request,
        [&](std::string_view piece) {
            if (!deliver(stops.push(piece, stopped))) return false;
            return !stopped; // a stop sequence ends the generation
        },
        cancel);
    if (!stats) {
        if (stats.error().code == ErrorCode::InvalidArgument)
            return ApiError::invalidRequest(stats.error().message, promptParam(request));
        return ApiError::server("The model failed: " + stats.error().message);
    }
    if (!stopped) deliver(stops.flush());

    CompletionOutcome outcome;
    outcome.usage = { stats->promptTokens, stats->generatedTokens };
    outcome.cancelled = refused || (stats->stopReason == StopReason::Cancelled && !stopped);
    const bool cutShort
        = stats->stopReason == StopReason::MaxTokens || stats->stopReason == StopReason::ContextFull;
    outcome.finishReason = cutShort && !stopped ? "length" : "stop";
    return outcome;
}

} // namespace hearth::server
