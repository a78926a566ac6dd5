// Engine::generate: tokenize the request, reuse the cached prefix, prefill the rest, then sample
// token by token, streaming complete UTF-8 pieces until a stop token, the limit, or a cancel.
#include "engine/engine_impl.h"
#include "engine/stop_strings.h"
#include "tokenizer/streaming_decoder.h"

#include <algorithm>
#include <chrono>

namespace hearth {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

Result<GenerateStats> Engine::generate(const GenerateRequest& request,
    const std::function<bool(std::string_view piece)>& onPiece, const std::atomic<bool>* cancel)
{
    Impl& s = *m_impl;
    if (!s.isLoaded()) return makeError(ErrorCode::InvalidArgument, "no model is loaded");
    const auto start = Clock::now();
    GenerateStats stats;
    auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };

    // 1. The prompt, fitted to the context with room for the reply (at most half the context, so
    //    a large maxTokens on a small context still leaves the conversation some room).
    const uint32_t context = s.backend->contextLength();
    const uint32_t reserve = std::min(request.maxTokens, context / 2);
    auto prompt = s.buildPrompt(request, reserve);
    if (!prompt) return prompt.error();
    const std::vector<int32_t>& ids = prompt->ids;
    stats.promptTokens = static_cast<uint32_t>(ids.size());
    stats.droppedMessages = prompt->droppedMessages;

    // 2. Prefix reuse: the longest common prefix with what the cache holds is already computed. At
    //    least the last prompt token is run again, because its logits are needed.
    size_t reuse = 0;
    while (reuse < s.cached.size() && reuse < ids.size() && s.cached[reuse] == ids[reuse])
        ++reuse;
    reuse = std::min(reuse, ids.size() - 1);
    stats.reusedTokens = static_cast<uint32_t>(reuse);
    s.cached.resize(reuse);

    // 3. Prefill the rest; the backend overwrites the cache from `reuse` on.
    const auto prefillStart = Clock::now();
    if (cancelled()) {
        stats.stopReason = StopReason::Cancelled;
        return stats;
    }
    const std::span<const int32_t> rest(ids.data() + reuse, ids.size() - reuse);
    if (auto status = s.backend->forward(rest, static_cast<uint32_t>(reuse), s.logits); !status) {
        s.cached.clear(); // the cache may be half written
        return status.error();
    }
    s.cached.insert(s.cached.end(), rest.begin(), rest.end());
    const double prefillSeconds = secondsSince(prefillStart);
    stats.prefillTokensPerSecond = prefillSeconds > 0 ? rest.size() / prefillSeconds : 0;

    // 4. Decode: sample, stream, feed the token back, until something stops us.
    SamplerRng rng(request.sampler.seed);
    StreamingDecoder decoder;
    // Text markers that end a turn (the plain format's "\nUser:"); raw prompts just continue.
    const bool chat = request.useChat && !request.messages.empty();
    StopStringFilter stopFilter(chat ? s.chatFormat->stopStrings() : std::vector<std::string> {});
    bool stopString = false;
    std::vector<int32_t> recent(ids.begin(), ids.end());
    const auto decodeStart = Clock::now();
    uint32_t decodeSteps = 0;
    bool listenerStopped = false;
    stats.stopReason = StopReason::MaxTokens;
    for (uint32_t produced = 0; produced < request.maxTokens; ++produced) {
        if (cancelled()) {
            stats.stopReason = StopReason::Cancelled;
            break;
        }
        const int32_t token = sample(s.logits, request.sampler, recent, rng.nextCoin());
        if (stats.generatedTokens == 0) stats.timeToFirstTokenMs = secondsSince(start) * 1000.0;
        const bool templateStop = chat
            && std::find(s.chatStopTokens.begin(), s.chatStopTokens.end(), token) != s.chatStopTokens.end();
        if (s.tokenizer->isEndOfGeneration(token) || templateStop) {
            stats.stopReason = StopReason::EndOfTurn;
            break;
        }
        ++stats.generatedTokens;
        recent.push_back(token);
        const std::string text = stopFilter.push(decoder.push(s.tokenizer->piece(token)), stopString);
        if (!text.empty() && !onPiece(text)) {
            listenerStopped = true;
            stats.stopReason = StopReason::Cancelled;
            break;
        }
        if (stopString) {
            stats.stopReason = StopReason::EndOfTurn;
            break;
        }
        if (produced + 1 == request.maxTokens) break; // no need to run the last token
        if (s.cached.size() >= context) {
            stats.stopReason = StopReason::ContextFull;
            break;
        }
        const int32_t one[1] = { token };
        if (auto status = s.backend->forward(one, static_cast<uint32_t>(s.cached.size()), s.logits);
            !status) {
            s.cached.clear();
            return status.error();
        }
        s.cached.push_back(token);
        ++decodeSteps;
    }
    if (!listenerStopped && !stopString) {
        // What the decoder and the filter still hold: an unfinished character, a marker's start.
        std::string tail = stopFilter.push(decoder.flush(), stopString);
        if (!stopString) tail += stopFilter.flush();
        if (!tail.empty()) onPiece(tail);
    }

    const double decodeSeconds = secondsSince(decodeStart);
    stats.decodeTokensPerSecond = decodeSeconds > 0 ? decodeSteps / decodeSeconds : 0;
    return stats;
}

} // namespace hearth
