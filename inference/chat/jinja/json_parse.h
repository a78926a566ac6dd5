// JSON text to a Value (objects keep their key order), for conversations given as files.
#pragma once

#include "chat/jinja/value.h"
#include "util/result.h"

#include <string_view>

namespace hearth::jinja {

// Every string in the result is marked as the caller's when `fromCaller` (message data).
Result<Value> parseJson(std::string_view text, bool fromCaller);

} // namespace hearth::jinja
