// Building the prompt for a request, and fitting a conversation into the context: the system prompt
// stays, the oldest turns after it go first, the newest message is never cut.
#include "chat/chat_tokens.h"
#include "engine/engine_impl.h"

namespace hearth {

namespace {

size_t firstTurn(const std::vector<ChatMessage>& messages)
{
    return (!messages.empty() && messages[0].role == "system") ? 1 : 0;
}

} // namespace

Result<std::vector<int32_t>> Engine::Impl::chatIds(
    const std::vector<ChatMessage>& messages, const ChatFormatOptions& options) const
{
    const auto segments = chatFormat->render(messages, options);
    if (!segments) {
        return makeError(ErrorCode::InvalidArgument,
            "the model's chat template cannot render this conversation: " + segments.error().message);
    }
    // The Llama 3 format and the file's templates write <|begin_of_text|> themselves; the plain one
    // relies on the tokenizer's BOS.
    const bool addBos = chatFormat->name() == "plain" && tokenizer->special().addBos;
    return tokenizeChat(*tokenizer, *segments, addBos);
}

Result<PromptTokens> Engine::Impl::buildPrompt(const GenerateRequest& request, uint32_t reserve) const
{
    const uint32_t context = backend->contextLength();
    const uint32_t limit = context > reserve ? context - reserve : 0;
    const SpecialTokens& special = tokenizer->special();

    if (!request.useChat || request.messages.empty()) {
        PromptTokens prompt;
        prompt.ids = tokenizer->encode(request.rawPrompt, special.addBos, request.parseSpecial);
        if (prompt.ids.empty()) return makeError(ErrorCode::InvalidArgument, "the prompt is empty");
        if (prompt.ids.size() > limit) {
            return makeError(ErrorCode::InvalidArgument,
                "the prompt is " + std::to_string(prompt.ids.size()) + " tokens; the context holds "
                    + std::to_string(context) + " with " + std::to_string(reserve) + " kept for the reply");
        }
        return prompt;
    }

    ChatFormatOptions options;
    options.date = request.chatDate;
    options.continueLastMessage = request.continueLast;
    std::vector<ChatMessage> messages = request.messages;
    PromptTokens prompt;
    for (;;) {
        auto ids = chatIds(messages, options);
        if (!ids) return ids.error();
        if (ids->size() <= limit) {
            prompt.ids = std::move(ids.value());
            return prompt;
        }
        // Too long: drop the oldest turn after the system prompt, and an assistant reply left
        // leading the history with it (a conversation should resume at a user message).
        const size_t first = firstTurn(messages);
        if (messages.size() - first <= 1) {
            return makeError(ErrorCode::InvalidArgument,
                "the message is too long for the context: " + std::to_string(ids->size())
                    + " prompt tokens, the context holds " + std::to_string(context) + " with "
                    + std::to_string(reserve) + " kept for the reply");
        }
        messages.erase(messages.begin() + static_cast<std::ptrdiff_t>(first));
        ++prompt.droppedMessages;
        if (messages.size() - first > 1 && messages[first].role == "assistant") {
            messages.erase(messages.begin() + static_cast<std::ptrdiff_t>(first));
            ++prompt.droppedMessages;
        }
    }
}

} // namespace hearth
