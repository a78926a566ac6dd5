#include "chat/jinja/unicode_text.h"

#include "tokenizer/unicode.h"

namespace hearth::jinja {

namespace {

bool isPythonSpace(uint32_t cp)
{
    return unicode::isWhitespace(cp) || (cp >= 0x1C && cp <= 0x1F);
}

// The code point at `pos` and its length; invalid bytes count as one non-space byte.
uint32_t codepointAt(std::string_view text, size_t pos, size_t& length)
{
    const int n = unicode::utf8SequenceLength(static_cast<uint8_t>(text[pos]));
    if (n == 0 || pos + n > text.size()) {
        length = 1;
        return 0xFFFD;
    }
    const auto decoded = unicode::decodeUtf8(text.substr(pos, n));
    length = static_cast<size_t>(n);
    return decoded.size() == 1 ? decoded[0] : 0xFFFD;
}

bool isAsciiLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

} // namespace

size_t leadingPythonSpace(std::string_view text)
{
    size_t pos = 0;
    while (pos < text.size()) {
        size_t length = 0;
        if (!isPythonSpace(codepointAt(text, pos, length))) break;
        pos += length;
    }
    return pos;
}

size_t trailingPythonSpace(std::string_view text)
{
    size_t end = text.size();
    while (end > 0) {
        size_t start = end - 1;
        while (start > 0 && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80)
            --start;
        size_t length = 0;
        const uint32_t cp = codepointAt(text, start, length);
        if (start + length != end || !isPythonSpace(cp)) break;
        end = start;
    }
    return text.size() - end;
}

std::vector<size_t> codepointOffsets(std::string_view text)
{
    std::vector<size_t> offsets;
    size_t pos = 0;
    while (pos < text.size()) {
        offsets.push_back(pos);
        size_t length = 0;
        codepointAt(text, pos, length);
        pos += length;
    }
    offsets.push_back(text.size());
    return offsets;
}

size_t codepointCount(std::string_view text)
{
    size_t count = 0;
    for (char c : text)
        if ((static_cast<uint8_t>(c) & 0xC0) != 0x80) ++count;
    return count;
}

std::string asciiUpper(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return out;
}

std::string asciiLower(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return out;
}

std::string pythonTitle(std::string_view text)
{
    std::string out(text);
    bool previousCased = false;
    for (char& c : out) {
        if (isAsciiLetter(c)) {
            c = previousCased ? asciiLower(std::string(1, c))[0] : asciiUpper(std::string(1, c))[0];
            previousCased = true;
        } else {
            previousCased = static_cast<uint8_t>(c) >= 0x80 && previousCased;
        }
    }
    return out;
}

std::string pythonCapitalize(std::string_view text)
{
    std::string out = asciiLower(text);
    if (!out.empty()) out[0] = asciiUpper(out.substr(0, 1))[0];
    return out;
}

std::vector<std::pair<size_t, size_t>> splitOnWhitespace(std::string_view text, long maxSplit)
{
    std::vector<std::pair<size_t, size_t>> parts;
    size_t pos = 0;
    while (pos < text.size()) {
        pos += leadingPythonSpace(text.substr(pos));
        if (pos >= text.size()) break;
        if (maxSplit >= 0 && static_cast<long>(parts.size()) == maxSplit) {
            const size_t end = text.size() - trailingPythonSpace(text.substr(pos));
            parts.emplace_back(pos, end - pos);
            break;
        }
        size_t end = pos;
        while (end < text.size()) {
            size_t length = 0;
            if (isPythonSpace(codepointAt(text, end, length))) break;
            end += length;
        }
        parts.emplace_back(pos, end - pos);
        pos = end;
    }
    return parts;
}

} // namespace hearth::jinja
