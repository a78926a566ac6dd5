// Llama 3.x Instruct, as the official templates render it (trim_blocks, lstrip_blocks):
//   <|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n
//   Cutting Knowledge Date: December 2023\nToday Date: DATE\n\nSYSTEM<|eot_id|>
//   <|start_header_id|>ROLE<|end_header_id|>\n\nCONTENT<|eot_id|> ...
//   <|start_header_id|>assistant<|end_header_id|>\n\n
// Continuing the last (assistant) message instead ends with its text, without <|eot_id|>.
#include "chat/chat_format.h"
#include "chat/trim.h"

namespace hearth {

namespace {

class Llama3ChatFormat final : public ChatFormat {
public:
    Llama3ChatFormat(bool header, std::string defaultDate)
        : m_header(header)
        , m_defaultDate(std::move(defaultDate))
    {
    }

    std::string_view name() const override { return "llama3"; }

    std::vector<ChatSegment> format(
        std::span<const ChatMessage> messages, const ChatFormatOptions& options) const override
    {
        std::vector<ChatSegment> out;
        auto special = [&](const char* text) { out.push_back({ true, text }); };
        auto text = [&](std::string value) {
            if (!value.empty()) out.push_back({ false, std::move(value) });
        };
        auto turn = [&](const std::string& role, std::string body, bool open = false) {
            special("<|start_header_id|>");
            text(role);
            special("<|end_header_id|>");
            text("\n\n" + std::move(body));
            if (!open) special("<|eot_id|>");
        };
        const bool continuing
            = options.continueLastMessage && !messages.empty() && messages.back().role == "assistant";

        special("<|begin_of_text|>");
        size_t first = 0;
        if (m_header) {
            // The 3.1+ templates always open with a system turn: the knowledge-cutoff header, then the
            // (trimmed) system prompt if the conversation starts with one.
            std::string system;
            if (!messages.empty() && messages[0].role == "system") {
                system = trimWhitespace(messages[0].content);
                first = 1;
            }
            const std::string date = options.date.empty() ? m_defaultDate : options.date;
            turn("system", "Cutting Knowledge Date: December 2023\nToday Date: " + date + "\n\n" + system);
        }
        for (size_t i = first; i < messages.size(); ++i)
            turn(messages[i].role, trimWhitespace(messages[i].content),
                continuing && i + 1 == messages.size());
        if (options.addGenerationPrompt && !continuing) {
            special("<|start_header_id|>");
            text("assistant");
            special("<|end_header_id|>");
            text("\n\n");
        }
        return out;
    }

private:
    bool m_header;
    std::string m_defaultDate;
};

} // namespace

std::unique_ptr<ChatFormat> makeLlama3ChatFormat(bool header, std::string defaultDate)
{
    return std::make_unique<Llama3ChatFormat>(header, std::move(defaultDate));
}

} // namespace hearth
