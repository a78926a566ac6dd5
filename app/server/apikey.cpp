#include "apikey.h"

#include <cstdio>

namespace hearth::server {

std::optional<std::string> generateApiKey()
{
    unsigned char bytes[24];
    std::FILE* random = std::fopen("/dev/urandom", "rb");
    if (!random) return std::nullopt;
    const size_t got = std::fread(bytes, 1, sizeof bytes, random);
    std::fclose(random);
    if (got != sizeof bytes) return std::nullopt;
    static const char digits[] = "0123456789abcdef";
    std::string key = "hearth-";
    for (unsigned char byte : bytes) {
        key += digits[byte >> 4];
        key += digits[byte & 15];
    }
    return key;
}

bool constantTimeEquals(std::string_view a, std::string_view b)
{
    // Walk the longer one whole, so the time does not tell where the first difference is.
    const size_t n = a.size() > b.size() ? a.size() : b.size();
    unsigned difference = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        difference |= static_cast<unsigned>(x ^ y);
    }
    return difference == 0;
}

bool bearerMatches(std::string_view authorization, std::string_view key)
{
    constexpr std::string_view scheme = "Bearer ";
    if (key.empty() || authorization.size() < scheme.size()) return false;
    // The scheme is case-insensitive (RFC 7235); only the key is secret.
    for (size_t i = 0; i < scheme.size(); ++i) {
        const char c = authorization[i];
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        const char want
            = (scheme[i] >= 'A' && scheme[i] <= 'Z') ? static_cast<char>(scheme[i] - 'A' + 'a') : scheme[i];
        if (lower != want) return false;
    }
    return constantTimeEquals(authorization.substr(scheme.size()), key);
}

} // namespace hearth::server
