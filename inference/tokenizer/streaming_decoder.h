// StreamingDecoder: turns a stream of token pieces into complete UTF-8 text.
// A character may be split across tokens (byte tokens <0xNN>, or BPE pieces that end mid-character);
// the decoder holds the incomplete tail back until the rest arrives, so every string it returns is
// valid UTF-8. Broken sequences become U+FFFD instead of reaching the user as garbage bytes.
#pragma once

#include <string>
#include <string_view>

namespace hearth {

class StreamingDecoder {
public:
    // Appends a token's bytes; returns the text that is now complete (possibly empty).
    std::string push(std::string_view bytes);
    // End of stream: returns what is left, with an unfinished character replaced by U+FFFD.
    std::string flush();
    void reset() { m_pending.clear(); }

private:
    std::string m_pending;
};

} // namespace hearth
