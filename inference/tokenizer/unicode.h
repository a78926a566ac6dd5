// Unicode helpers for the tokenizers: UTF-8 decoding and encoding, and the three character classes
// Llama 3's pre-tokenizer regex uses (\p{L}, \p{N}, \s). The class tables are compact sorted ranges
// generated from the Unicode database (gen_unicode_tables.py), so no ICU is needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::unicode {

constexpr uint32_t kReplacement = 0xFFFD;

// Decodes UTF-8; each invalid byte becomes U+FFFD (as llama.cpp does), so any input is accepted.
std::vector<uint32_t> decodeUtf8(std::string_view text);
void appendUtf8(std::string& out, uint32_t codepoint);

// Length of the UTF-8 sequence a lead byte announces (1..4), or 0 for a continuation/invalid byte.
int utf8SequenceLength(uint8_t lead);

bool isLetter(uint32_t codepoint);
bool isNumber(uint32_t codepoint);
bool isWhitespace(uint32_t codepoint); // Unicode White_Space property

namespace detail {
struct CodepointRange {
    uint32_t first;
    uint32_t last;
};
extern const CodepointRange kLetterRanges[];
extern const size_t kLetterRangesCount;
extern const CodepointRange kNumberRanges[];
extern const size_t kNumberRangesCount;
} // namespace detail

} // namespace hearth::unicode
