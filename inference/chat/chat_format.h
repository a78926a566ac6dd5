// Chat formats: Llama 3.x Instruct turns, and a plain fallback for files with an unknown template.
// A format turns a conversation into segments: special-token text (becomes one token each) and
// plain text (tokenized without special parsing, so "<|eot_id|>" typed by a user stays text).
#pragma once

#include "util/result.h"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

struct ChatMessage {
    std::string role; // "system" | "user" | "assistant"
    std::string content;
};

struct ChatSegment {
    bool special = false; // true: the text of one special token, e.g. "<|eot_id|>"
    std::string text;
};

struct ChatFormatOptions {
    std::string date; // "26 Jul 2024" style; empty: the format's default
    bool addGenerationPrompt = true; // end with the assistant header, ready to generate
    // "Continue": the last message is a partial assistant reply; the prompt ends inside it (no end of
    // turn, no new header) so the model goes on writing it. Takes the place of addGenerationPrompt.
    // Like Hugging Face's `continue_final_message`: the partial text is rendered as the template
    // renders any message (trimmed), and the rendering stops right after it.
    bool continueLastMessage = false;
};

class ChatFormat {
public:
    virtual ~ChatFormat() = default;
    virtual std::string_view name() const = 0; // "llama3" | "plain" | "template (from the file)"
    virtual std::vector<ChatSegment> format(
        std::span<const ChatMessage> messages, const ChatFormatOptions& options = {}) const = 0;
    // As format(), or the reason this conversation cannot be rendered (a template's
    // raise_exception: "TemplateError: System role not supported").
    virtual Result<std::vector<ChatSegment>> render(
        std::span<const ChatMessage> messages, const ChatFormatOptions& options = {}) const
    {
        return format(messages, options);
    }
    // Special tokens (their text) that end the assistant's turn besides the vocabulary's EOS/EOT.
    virtual std::vector<std::string> stopTokens() const { return {}; }
    // Text that ends the assistant's turn when the model writes it (for formats whose turn end is
    // not a token); the engine stops there and does not show it.
    virtual std::vector<std::string> stopStrings() const { return {}; }
};

// Llama 3.x: `header` is whether the template injects the "Cutting Knowledge Date" system header
// (3.1, 3.2, 3.3 do; 3.0 does not); `defaultDate` is used when the options give none.
std::unique_ptr<ChatFormat> makeLlama3ChatFormat(bool header, std::string defaultDate);
std::unique_ptr<ChatFormat> makePlainChatFormat();

struct DetectedChatFormat {
    std::unique_ptr<ChatFormat> format;
    std::string notice; // set when we fell back: shown to the user
};

// What detectChatFormat needs from the vocabulary.
struct ChatVocabulary {
    bool hasHeaderTokens = false; // <|start_header_id|>: the Llama 3 family
    std::optional<std::string> bosToken; // the texts of BOS and EOS, as bos_token / eos_token
    std::optional<std::string> eosToken;
    std::vector<std::string> specialTokens; // every control token's text
};

// A template in the file is parsed by our Jinja interpreter and tried on a probe conversation:
// success gives a format that renders it ("template (from the file)"); a parse error or a raise
// gives the family's known format (below) with a notice naming the error.
DetectedChatFormat detectChatFormat(std::string_view chatTemplate, const ChatVocabulary& vocabulary);

// The family's known format: recognises the Llama 3.x templates from `tokenizer.chat_template`
// (or, without a template, from a vocabulary that has <|start_header_id|>); anything else gets the
// plain format and a notice.
DetectedChatFormat detectChatFormat(std::string_view chatTemplate, bool vocabularyHasHeaderTokens);

// The prompt as one string (special tokens written as their text), e.g. to compare with a rendering.
std::string segmentsToText(std::span<const ChatSegment> segments);

// Today's date as the Llama templates print it: "26 Jul 2024".
std::string todayDateString();

} // namespace hearth
