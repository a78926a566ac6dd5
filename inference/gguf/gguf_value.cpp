// Conversions and rendering of single metadata values.
#include "gguf/gguf.h"

#include <cstdio>
#include <limits>

namespace hearth {

std::optional<uint64_t> valueAsUint(const GgufValue& value)
{
    return std::visit(
        [](const auto& v) -> std::optional<uint64_t> {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool> || !std::is_integral_v<T>)
                return std::nullopt;
            else if constexpr (std::is_signed_v<T>)
                return v >= 0 ? std::optional<uint64_t>(static_cast<uint64_t>(v)) : std::nullopt;
            else
                return static_cast<uint64_t>(v);
        },
        value);
}

std::optional<int64_t> valueAsInt(const GgufValue& value)
{
    return std::visit(
        [](const auto& v) -> std::optional<int64_t> {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool> || !std::is_integral_v<T>)
                return std::nullopt;
            else if constexpr (std::is_same_v<T, uint64_t>)
                return v <= uint64_t(std::numeric_limits<int64_t>::max()) ? std::optional<int64_t>(int64_t(v))
                                                                          : std::nullopt;
            else
                return static_cast<int64_t>(v);
        },
        value);
}

std::optional<double> valueAsFloat(const GgufValue& value)
{
    return std::visit(
        [](const auto& v) -> std::optional<double> {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>)
                return std::nullopt;
            else if constexpr (std::is_arithmetic_v<T>)
                return static_cast<double>(v);
            else
                return std::nullopt;
        },
        value);
}

namespace {

std::string quoted(std::string_view s, size_t limit)
{
    std::string out = "\"";
    for (size_t i = 0; i < s.size() && i < limit; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '\n')
            out += "\\n";
        else if (c == '"' || c == '\\')
            out += std::string("\\") + char(c);
        else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else
            out += char(c);
    }
    if (s.size() > limit) out += "...";
    return out + "\"";
}

const char* valueTypeName(GgufValueType type)
{
    static const char* const names[]
        = { "u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64" };
    const auto index = static_cast<uint32_t>(type);
    return index < std::size(names) ? names[index] : "?";
}

} // namespace

std::string describeValue(const GgufValue& value)
{
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>)
                return v ? "true" : "false";
            else if constexpr (std::is_same_v<T, std::string_view>)
                return quoted(v, 60);
            else if constexpr (std::is_same_v<T, std::shared_ptr<GgufArray>>) {
                // Summarise: element type, length and the first few elements.
                std::string out = std::string("[") + valueTypeName(v->elementType) + " x "
                    + std::to_string(v->values.size());
                for (size_t i = 0; i < v->values.size() && i < 4; ++i)
                    out += (i ? ", " : ": ") + describeValue(v->values[i]);
                if (v->values.size() > 4) out += ", ...";
                return out + "]";
            } else if constexpr (std::is_floating_point_v<T>) {
                char buf[32];
                std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
                return buf;
            } else
                return std::to_string(v);
        },
        value);
}

} // namespace hearth
