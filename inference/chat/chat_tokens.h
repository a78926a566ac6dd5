// Chat segments to token ids: each special segment becomes its single token (looked up in the
// vocabulary; "<|begin_of_text|>" is the BOS), text is encoded without special parsing.
#pragma once

#include "chat/chat_format.h"
#include "tokenizer/tokenizer.h"
#include "util/result.h"

namespace hearth {

Result<std::vector<int32_t>> tokenizeChat(
    const Tokenizer& tokenizer, std::span<const ChatSegment> segments, bool addBos);

} // namespace hearth
