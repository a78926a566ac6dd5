#include "tokenizer/unicode.h"

#include <algorithm>

namespace hearth::unicode {

int utf8SequenceLength(uint8_t lead)
{
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 0;
}

std::vector<uint32_t> decodeUtf8(std::string_view text)
{
    std::vector<uint32_t> out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<uint8_t>(text[i]);
        const int length = utf8SequenceLength(lead);
        // A bad lead byte or a truncated/broken sequence: replace one byte and resynchronise.
        bool valid = length > 0 && i + length <= text.size();
        uint32_t cp = 0;
        if (valid) {
            cp = length == 1 ? lead : (lead & (0x7F >> length));
            for (int k = 1; k < length; ++k) {
                const auto byte = static_cast<uint8_t>(text[i + k]);
                if ((byte & 0xC0) != 0x80) {
                    valid = false;
                    break;
                }
                cp = (cp << 6) | (byte & 0x3F);
            }
        }
        if (!valid || cp > 0x10FFFF) {
            out.push_back(kReplacement);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += length;
    }
    return out;
}

void appendUtf8(std::string& out, uint32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

namespace {

bool inRanges(const detail::CodepointRange* ranges, size_t count, uint32_t cp)
{
    // Binary search for the last range starting at or before cp.
    const auto* end = ranges + count;
    const auto* it = std::upper_bound(
        ranges, end, cp, [](uint32_t value, const detail::CodepointRange& r) { return value < r.first; });
    if (it == ranges) return false;
    --it;
    return cp <= it->last;
}

} // namespace

bool isLetter(uint32_t cp)
{
    if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z'; // fast path for ASCII
    return inRanges(detail::kLetterRanges, detail::kLetterRangesCount, cp);
}

bool isNumber(uint32_t cp)
{
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    return inRanges(detail::kNumberRanges, detail::kNumberRangesCount, cp);
}

bool isWhitespace(uint32_t cp)
{
    // The Unicode White_Space property (PropList.txt); what regex \s means in llama.cpp.
    switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

} // namespace hearth::unicode
