#include "chat/trim.h"

#include "tokenizer/unicode.h"

namespace hearth {

namespace {

bool isPythonSpace(uint32_t cp)
{
    return unicode::isWhitespace(cp) || (cp >= 0x1C && cp <= 0x1F);
}

// Decodes the code point at `pos`; returns its length in bytes, 0 if the bytes are not valid UTF-8.
size_t codepointAt(std::string_view text, size_t pos, uint32_t& cp)
{
    const int length = unicode::utf8SequenceLength(static_cast<uint8_t>(text[pos]));
    if (length == 0 || pos + length > text.size()) return 0;
    const auto decoded = unicode::decodeUtf8(text.substr(pos, length));
    if (decoded.size() != 1) return 0;
    cp = decoded[0];
    return length;
}

} // namespace

std::string trimWhitespace(std::string_view text)
{
    size_t begin = 0;
    uint32_t cp = 0;
    while (begin < text.size()) {
        const size_t length = codepointAt(text, begin, cp);
        if (length == 0 || !isPythonSpace(cp)) break;
        begin += length;
    }
    size_t end = text.size();
    while (end > begin) {
        // Step back to the start of the last character.
        size_t start = end - 1;
        while (start > begin && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80)
            --start;
        const size_t length = codepointAt(text, start, cp);
        if (length != end - start || !isPythonSpace(cp)) break;
        end = start;
    }
    return std::string(text.substr(begin, end - begin));
}

} // namespace hearth
