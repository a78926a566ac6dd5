// Decides whether the bytes of a "text" file really are text, and decodes them to UTF-8.
#pragma once

#include "util/result.h"

#include <string>
#include <string_view>

namespace hearth::documents {

// UTF-8 (with or without BOM) is taken as is; UTF-16 with a BOM is converted; other bytes that are not
// valid UTF-8 are read as Windows-1252 when they look like text. NUL bytes or many control characters
// mean a binary file (e.g. an image renamed to .txt): an Error saying so.
Result<std::string> decodeText(std::string_view bytes);

// Number of bytes in `bytes` that are not part of a valid UTF-8 sequence.
size_t invalidUtf8Bytes(std::string_view bytes);

} // namespace hearth::documents
