#include "chat/chat_format.h"

#include "chat/jinja_chat.h"

#include <ctime>

namespace hearth {

DetectedChatFormat detectChatFormat(std::string_view chatTemplate, bool vocabularyHasHeaderTokens)
{
    const bool llama3Turns = chatTemplate.find("<|start_header_id|>") != std::string_view::npos
        && chatTemplate.find("<|eot_id|>") != std::string_view::npos;
    if (llama3Turns) {
        // 3.1 / 3.3 default the date to "26 Jul 2024"; 3.2 asks for today's (strftime_now).
        const bool header = chatTemplate.find("Cutting Knowledge Date") != std::string_view::npos;
        const bool today = chatTemplate.find("strftime_now") != std::string_view::npos;
        return { makeLlama3ChatFormat(header, today ? todayDateString() : "26 Jul 2024"), {} };
    }
    if (chatTemplate.empty() && vocabularyHasHeaderTokens) {
        return { makeLlama3ChatFormat(true, "26 Jul 2024"),
            "The model file has no chat template; using the Llama 3.1 chat format its vocabulary suggests." };
    }
    return {
        makePlainChatFormat(),
        chatTemplate.empty()
            ? "The model file has no chat template; using a plain 'User:/Assistant:' prompt."
            : "The model's chat template is not a Llama 3 template; using a plain 'User:/Assistant:' prompt."
    };
}

DetectedChatFormat detectChatFormat(std::string_view chatTemplate, const ChatVocabulary& vocabulary)
{
    if (chatTemplate.empty()) return detectChatFormat(chatTemplate, vocabulary.hasHeaderTokens);
    std::string problem;
    if (auto parsed = jinja::JinjaTemplate::parse(chatTemplate)) {
        auto format = makeJinjaChatFormat(
            std::move(parsed.value()), vocabulary.bosToken, vocabulary.eosToken, vocabulary.specialTokens);
        // A probe: a template that cannot render one user message cannot render a conversation.
        const ChatMessage probe[] = { { "user", "Hello" } };
        ChatFormatOptions options;
        options.date = "26 Jul 2024";
        auto rendered = format->render(probe, options);
        if (rendered) return { std::move(format), {} };
        problem = rendered.error().message;
    } else {
        problem = parsed.error().message;
    }
    DetectedChatFormat fallback = detectChatFormat(chatTemplate, vocabulary.hasHeaderTokens);
    if (fallback.format->name() == "plain" && vocabulary.hasHeaderTokens)
        fallback.format = makeLlama3ChatFormat(true, "26 Jul 2024"); // the vocabulary is Llama 3's
    fallback.notice = "The model's chat template cannot be used (" + problem + "); using the "
        + std::string(fallback.format->name() == "llama3" ? "Llama 3" : "plain 'User:/Assistant:'")
        + " chat format instead.";
    return fallback;
}

std::string segmentsToText(std::span<const ChatSegment> segments)
{
    std::string text;
    for (const auto& segment : segments)
        text += segment.text;
    return text;
}

std::string todayDateString()
{
    // Formatted by hand: strftime's %b depends on the locale, the template's English does not.
    static const char* const months[]
        = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    const std::time_t now = std::time(nullptr);
    std::tm local {};
    localtime_r(&now, &local);
    char buffer[32];
    std::snprintf(
        buffer, sizeof buffer, "%02d %s %d", local.tm_mday, months[local.tm_mon], local.tm_year + 1900);
    return buffer;
}

} // namespace hearth
