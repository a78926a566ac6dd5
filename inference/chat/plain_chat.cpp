// The fallback for models whose template we do not recognise: a readable transcript that any
// instruction-following or base model can continue.
//   <BOS>SYSTEM\n\nUser: CONTENT\nAssistant: CONTENT\n...User: CONTENT\nAssistant:
// Continuing the last (assistant) message ends with "Assistant: PARTIAL" instead.
#include "chat/chat_format.h"
#include "chat/trim.h"

namespace hearth {

namespace {

class PlainChatFormat final : public ChatFormat {
public:
    std::string_view name() const override { return "plain"; }
    // A model continuing the transcript would write the user's next line itself.
    std::vector<std::string> stopStrings() const override { return { "\nUser:" }; }

    std::vector<ChatSegment> format(
        std::span<const ChatMessage> messages, const ChatFormatOptions& options) const override
    {
        std::string text;
        const bool continuing
            = options.continueLastMessage && !messages.empty() && messages.back().role == "assistant";
        for (const auto& message : messages) {
            const std::string content = trimWhitespace(message.content);
            if (message.role == "system") {
                text += content + "\n\n";
            } else {
                text += (message.role == "assistant" ? "Assistant: " : "User: ") + content + "\n";
            }
        }
        if (continuing)
            text.pop_back(); // the partial reply's line stays open
        else if (options.addGenerationPrompt)
            text += "Assistant:";
        // The BOS token is added by the engine when the tokenizer asks for it.
        return { ChatSegment { false, std::move(text) } };
    }
};

} // namespace

std::unique_ptr<ChatFormat> makePlainChatFormat()
{
    return std::make_unique<PlainChatFormat>();
}

} // namespace hearth
