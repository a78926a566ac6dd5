// Jinja's `trim` filter (Python str.strip()): removes leading and trailing whitespace, where
// whitespace is the Unicode White_Space set plus the ASCII separators Python also strips.
#pragma once

#include <string>
#include <string_view>

namespace hearth {

std::string trimWhitespace(std::string_view text);

} // namespace hearth
