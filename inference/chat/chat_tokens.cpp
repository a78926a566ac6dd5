#include "chat/chat_tokens.h"

namespace hearth {

Result<std::vector<int32_t>> tokenizeChat(
    const Tokenizer& tokenizer, std::span<const ChatSegment> segments, bool addBos)
{
    std::vector<int32_t> ids;
    if (addBos && tokenizer.special().bos >= 0) ids.push_back(tokenizer.special().bos);
    // Adjacent text segments are encoded together: the reference tokenizes the rendered prompt,
    // where only special tokens break the text.
    std::string pending;
    auto flush = [&]() {
        if (pending.empty()) return;
        auto part = tokenizer.encode(pending, false, false);
        ids.insert(ids.end(), part.begin(), part.end());
        pending.clear();
    };
    for (const auto& segment : segments) {
        if (!segment.special) {
            pending += segment.text;
            continue;
        }
        flush();
        const auto id = tokenizer.findToken(segment.text);
        if (!id) {
            return makeError(ErrorCode::Unsupported,
                "the chat format needs the token " + segment.text + ", which the vocabulary lacks");
        }
        // The BOS is added once, whether the caller or the format asked for it.
        if (*id == tokenizer.special().bos && !ids.empty() && ids.front() == *id && ids.size() == 1) continue;
        ids.push_back(*id);
    }
    flush();
    return ids;
}

} // namespace hearth
