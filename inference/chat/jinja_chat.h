// Any model's chat template, rendered by our Jinja interpreter (chat/jinja/) as transformers'
// apply_chat_template renders it, and cut into segments: special-token text that the template
// itself wrote becomes special tokens; everything that came from the conversation stays plain text,
// so a user typing "<|im_end|>" cannot end a turn.
#pragma once

#include "chat/chat_format.h"
#include "chat/jinja/jinja.h"

#include <optional>

namespace hearth {

struct ChatTemplateInputs {
    jinja::Value messages; // a list of {"role", "content", ...} dicts, strings marked as the caller's
    bool addGenerationPrompt = true;
    std::optional<std::string> bosToken; // nullopt: undefined in the template
    std::optional<std::string> eosToken;
    // Fixes strftime_now and passes date_string, as the shared renders do; nullopt: strftime_now
    // sees today and date_string stays undefined (transformers passes none).
    std::optional<jinja::CivilDate> date;
};

// The variables transformers gives a template: messages, tools=None, documents=None,
// add_generation_prompt, bos_token, eos_token (and date_string when a date is fixed).
jinja::Dict chatTemplateVariables(const ChatTemplateInputs& inputs);
// The date strftime_now sees (inputs.date or today).
jinja::CivilDate chatTemplateDate(const ChatTemplateInputs& inputs);

// "2024-07-26" → the date; nullopt when malformed.
std::optional<jinja::CivilDate> parseIsoDate(std::string_view text);
// "26 Jul 2024" (the Llama format's date) → the date; nullopt when malformed.
std::optional<jinja::CivilDate> parseDayMonthYear(std::string_view text);
std::string dayMonthYear(jinja::CivilDate date); // "26 Jul 2024"

// The rendered text cut into segments: each of `specialTokens` found outside the caller's ranges is
// a special segment (longest match first); the rest is plain text.
std::vector<ChatSegment> segmentRenderedText(
    const jinja::MarkedText& text, const std::vector<std::string>& specialTokens);

// `specialTokens`: the vocabulary's control tokens' texts. Finds the template's end-of-turn token by
// rendering a user/assistant probe.
std::unique_ptr<ChatFormat> makeJinjaChatFormat(jinja::JinjaTemplate parsed,
    std::optional<std::string> bosToken, std::optional<std::string> eosToken,
    std::vector<std::string> specialTokens);

} // namespace hearth
