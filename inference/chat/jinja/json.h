// Python's json.dumps as transformers' `tojson` calls it: ensure_ascii=False, separators ", " and
// ": " (or "," and ": " with an indent) unless given, optional indent and sort_keys.
#pragma once

#include "chat/jinja/value.h"

#include <optional>
#include <string>

namespace hearth::jinja {

struct JsonStyle {
    std::optional<std::string> indent; // nullopt: one line
    std::string itemSeparator; // ", " one line, "," indented
    std::string keySeparator = ": ";
    bool sortKeys = false;
    bool ensureAscii = false;
};

// Throws TypeError for undefined, namespaces and callables, as json.dumps does.
std::string toJson(const Value& value, const JsonStyle& style, size_t maxBytes);

} // namespace hearth::jinja
