#include "chat/jinja_chat.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace hearth {

namespace {

const char* const kMonths[]
    = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

jinja::CivilDate today()
{
    const std::time_t now = std::time(nullptr);
    std::tm local {};
    localtime_r(&now, &local);
    return { local.tm_year + 1900, local.tm_mon + 1, local.tm_mday };
}

jinja::Value messagesValue(std::span<const ChatMessage> messages)
{
    jinja::List list;
    for (const auto& message : messages) {
        jinja::Dict entry;
        entry.set("role", jinja::Value(message.role, true));
        entry.set("content", jinja::Value(message.content, true));
        list.push_back(jinja::Value::dict(std::move(entry)));
    }
    return jinja::Value::list(std::move(list));
}

class JinjaChatFormat final : public ChatFormat {
public:
    JinjaChatFormat(jinja::JinjaTemplate parsed, std::optional<std::string> bos,
        std::optional<std::string> eos, std::vector<std::string> specialTokens)
        : m_template(std::move(parsed))
        , m_bos(std::move(bos))
        , m_eos(std::move(eos))
        , m_special(std::move(specialTokens))
    {
        findEndOfTurn();
    }

    std::string_view name() const override { return "template (from the file)"; }
    std::vector<std::string> stopTokens() const override { return m_stopTokens; }

    std::vector<ChatSegment> format(
        std::span<const ChatMessage> messages, const ChatFormatOptions& options) const override
    {
        auto rendered = render(messages, options);
        if (!rendered) return { ChatSegment { false, std::string() } };
        return std::move(rendered.value());
    }

    Result<std::vector<ChatSegment>> render(
        std::span<const ChatMessage> messages, const ChatFormatOptions& options) const override
    {
        const bool continuing
            = options.continueLastMessage && !messages.empty() && messages.back().role == "assistant";
        ChatTemplateInputs inputs;
        inputs.messages = messagesValue(messages);
        inputs.addGenerationPrompt = options.addGenerationPrompt && !continuing;
        inputs.bosToken = m_bos;
        inputs.eosToken = m_eos;
        if (!options.date.empty()) inputs.date = parseDayMonthYear(options.date);
        auto text = m_template.render(chatTemplateVariables(inputs), {}, chatTemplateDate(inputs));
        if (!text) return text.error();
        jinja::MarkedText marked = std::move(text.value());
        if (continuing) {
            // As transformers' continue_final_message: cut right after the last message's (stripped)
            // content, so the model goes on writing it.
            const std::string partial = jinja::Value(messages.back().content).text().str();
            const std::string stripped = trimmed(partial);
            const size_t at = stripped.empty() ? std::string::npos : marked.str().rfind(stripped);
            if (at != std::string::npos) marked = marked.substr(0, at + stripped.size());
        }
        return segmentRenderedText(marked, m_special);
    }

private:
    jinja::JinjaTemplate m_template;
    std::optional<std::string> m_bos;
    std::optional<std::string> m_eos;
    std::vector<std::string> m_special;
    std::vector<std::string> m_stopTokens;

    static std::string trimmed(const std::string& text)
    {
        jinja::Dict none;
        const size_t begin = text.find_first_not_of(" \t\n\r\f\v");
        if (begin == std::string::npos) return {};
        return text.substr(begin, text.find_last_not_of(" \t\n\r\f\v") + 1 - begin);
    }

    // The special token the template writes right after an assistant message ends its turn.
    void findEndOfTurn()
    {
        const std::string reply = "Hearth probe reply";
        const ChatMessage probe[] = { { "user", "Hello" }, { "assistant", reply } };
        ChatFormatOptions options;
        options.addGenerationPrompt = false;
        options.date = "26 Jul 2024";
        auto segments = render(probe, options);
        if (!segments) return;
        const auto& list = segments.value();
        for (size_t i = 0; i < list.size(); ++i) {
            if (list[i].special) continue;
            const size_t at = list[i].text.rfind(reply);
            if (at == std::string::npos) continue;
            if (list[i].text.find_first_not_of(" \t\n", at + reply.size()) != std::string::npos) return;
            if (i + 1 < list.size() && list[i + 1].special) m_stopTokens.push_back(list[i + 1].text);
            return;
        }
    }
};

} // namespace

jinja::Dict chatTemplateVariables(const ChatTemplateInputs& inputs)
{
    jinja::Dict vars;
    vars.set("messages", inputs.messages);
    vars.set("tools", jinja::Value::none());
    vars.set("documents", jinja::Value::none());
    vars.set("add_generation_prompt", jinja::Value(inputs.addGenerationPrompt));
    vars.set("bos_token", inputs.bosToken ? jinja::Value(*inputs.bosToken) : jinja::Value::none());
    vars.set("eos_token", inputs.eosToken ? jinja::Value(*inputs.eosToken) : jinja::Value::none());
    if (inputs.date) vars.set("date_string", jinja::Value(dayMonthYear(*inputs.date)));
    return vars;
}

jinja::CivilDate chatTemplateDate(const ChatTemplateInputs& inputs)
{
    return inputs.date ? *inputs.date : today();
}

std::optional<jinja::CivilDate> parseIsoDate(std::string_view text)
{
    int y = 0, m = 0, d = 0;
    char tail = 0;
    const std::string s(text);
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return std::nullopt;
    return jinja::CivilDate { y, m, d };
}

std::optional<jinja::CivilDate> parseDayMonthYear(std::string_view text)
{
    int d = 0, y = 0;
    char month[4] = {};
    const std::string s(text);
    if (std::sscanf(s.c_str(), "%d %3s %d", &d, month, &y) != 3) return std::nullopt;
    for (int m = 0; m < 12; ++m)
        if (std::string_view(month) == kMonths[m]) return jinja::CivilDate { y, m + 1, d };
    return std::nullopt;
}

std::string dayMonthYear(jinja::CivilDate date)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%02d %s %d", date.day, kMonths[(date.month + 11) % 12], date.year);
    return buffer;
}

std::vector<ChatSegment> segmentRenderedText(
    const jinja::MarkedText& text, const std::vector<std::string>& specialTokens)
{
    std::vector<const std::string*> byFirstByte[256];
    for (const auto& token : specialTokens)
        if (!token.empty()) byFirstByte[static_cast<uint8_t>(token[0])].push_back(&token);
    for (auto& list : byFirstByte)
        std::sort(list.begin(), list.end(),
            [](const std::string* a, const std::string* b) { return a->size() > b->size(); });

    const std::string& s = text.str();
    const auto& ranges = text.callerRanges();
    std::vector<ChatSegment> out;
    std::string pending;
    size_t range = 0; // the first caller range that ends after `pos`
    auto callerOverlaps = [&](size_t begin, size_t end) {
        while (range < ranges.size() && ranges[range].second <= begin)
            ++range;
        return range < ranges.size() && ranges[range].first < end;
    };
    for (size_t pos = 0; pos < s.size();) {
        const std::string* match = nullptr;
        for (const std::string* token : byFirstByte[static_cast<uint8_t>(s[pos])]) {
            if (s.compare(pos, token->size(), *token) == 0 && !callerOverlaps(pos, pos + token->size())) {
                match = token;
                break;
            }
        }
        if (!match) {
            pending += s[pos++];
            continue;
        }
        if (!pending.empty()) out.push_back({ false, std::move(pending) });
        pending.clear();
        out.push_back({ true, *match });
        pos += match->size();
    }
    if (!pending.empty()) out.push_back({ false, std::move(pending) });
    return out;
}

std::unique_ptr<ChatFormat> makeJinjaChatFormat(jinja::JinjaTemplate parsed,
    std::optional<std::string> bosToken, std::optional<std::string> eosToken,
    std::vector<std::string> specialTokens)
{
    return std::make_unique<JinjaChatFormat>(
        std::move(parsed), std::move(bosToken), std::move(eosToken), std::move(specialTokens));
}

} // namespace hearth
