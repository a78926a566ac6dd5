#include "tokenizer/streaming_decoder.h"

#include "tokenizer/unicode.h"

namespace hearth {

namespace {

const char kReplacementUtf8[] = "\xEF\xBF\xBD";

bool isContinuation(uint8_t b)
{
    return (b & 0xC0) == 0x80;
}

} // namespace

std::string StreamingDecoder::push(std::string_view bytes)
{
    m_pending.append(bytes);
    std::string out;
    size_t i = 0;
    while (i < m_pending.size()) {
        const auto lead = static_cast<uint8_t>(m_pending[i]);
        const int length = unicode::utf8SequenceLength(lead);
        if (length == 0) {
            // A stray continuation byte or an invalid lead: nothing can complete it.
            out += kReplacementUtf8;
            ++i;
            continue;
        }
        // Check the bytes we have; a wrong byte inside the sequence breaks it right there.
        int have = 1;
        while (have < length && i + have < m_pending.size()
            && isContinuation(static_cast<uint8_t>(m_pending[i + have]))) {
            ++have;
        }
        if (have == length) {
            out.append(m_pending, i, length);
            i += length;
        } else if (i + have == m_pending.size()) {
            break; // incomplete so far: wait for the next token
        } else {
            out += kReplacementUtf8; // interrupted by a non-continuation byte
            i += have;
        }
    }
    m_pending.erase(0, i);
    return out;
}

std::string StreamingDecoder::flush()
{
    std::string out = push({});
    if (!m_pending.empty()) out += kReplacementUtf8;
    m_pending.clear();
    return out;
}

} // namespace hearth
