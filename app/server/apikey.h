// The server's bearer key: required on every request. Generated from the system's random source
// when the user gives none, and compared in constant time so that response timing reveals nothing
// about how much of a guess was right.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hearth::server {

// "hearth-" and 48 hex digits (192 bits from /dev/urandom); nullopt if the random source failed.
std::optional<std::string> generateApiKey();

// Whether an Authorization header value is "Bearer <key>" with exactly this key.
bool bearerMatches(std::string_view authorization, std::string_view key);

// Equal strings, in time that depends only on their lengths.
bool constantTimeEquals(std::string_view a, std::string_view b);

} // namespace hearth::server
