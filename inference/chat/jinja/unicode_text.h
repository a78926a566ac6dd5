// The few Unicode-aware string operations Python semantics need: whitespace as str.strip() sees it,
// and code-point indexing for len() and slicing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::jinja {

// Bytes of Python whitespace at the start / end of `text` (str.strip() without arguments).
size_t leadingPythonSpace(std::string_view text);
size_t trailingPythonSpace(std::string_view text);
// Byte offset where each code point starts, plus text.size() at the end.
std::vector<size_t> codepointOffsets(std::string_view text);
size_t codepointCount(std::string_view text);
// str.upper() / str.lower() / str.title() / str.capitalize() for ASCII letters (others unchanged).
std::string asciiUpper(std::string_view text);
std::string asciiLower(std::string_view text);
std::string pythonTitle(std::string_view text);
std::string pythonCapitalize(std::string_view text);
// str.split() without a separator: runs of whitespace split, leading and trailing ignored.
std::vector<std::pair<size_t, size_t>> splitOnWhitespace(std::string_view text, long maxSplit);

} // namespace hearth::jinja
