#include "chat/jinja/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace hearth::jinja {

const Value* CallArgs::find(std::string_view name) const
{
    for (const auto& [key, value] : named)
        if (key == name) return &value;
    return nullptr;
}

const Value* Dict::find(std::string_view key) const
{
    for (const auto& [k, v] : entries)
        if (k == key) return &v;
    return nullptr;
}

void Dict::set(const std::string& key, Value value)
{
    for (auto& [k, v] : entries) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    entries.emplace_back(key, std::move(value));
}

Value Value::none()
{
    Value v;
    v.m_kind = ValueKind::None;
    return v;
}

Value::Value(bool b)
    : m_kind(ValueKind::Bool)
    , m_bool(b)
{
}

Value::Value(int64_t i)
    : m_kind(ValueKind::Int)
    , m_int(i)
{
}

Value::Value(double f)
    : m_kind(ValueKind::Float)
    , m_float(f)
{
}

Value::Value(MarkedText s)
    : m_kind(ValueKind::String)
    , m_text(std::make_shared<MarkedText>(std::move(s)))
{
}

Value Value::list(List items, bool tuple)
{
    Value v;
    v.m_kind = ValueKind::List;
    v.m_tuple = tuple;
    v.m_list = std::make_shared<List>(std::move(items));
    return v;
}

Value Value::dict(Dict entries)
{
    Value v;
    v.m_kind = ValueKind::Dict;
    v.m_dict = std::make_shared<Dict>(std::move(entries));
    return v;
}

Value Value::ns(Dict entries)
{
    Value v = dict(std::move(entries));
    v.m_kind = ValueKind::Namespace;
    return v;
}

Value Value::function(std::string name, Function fn)
{
    Value v;
    v.m_kind = ValueKind::Callable;
    v.m_fn = std::make_shared<Function>(std::move(fn));
    v.m_hint = std::make_shared<std::string>(std::move(name));
    return v;
}

bool Value::truthy() const
{
    switch (m_kind) {
    case ValueKind::Undefined:
    case ValueKind::None:
        return false;
    case ValueKind::Bool:
        return m_bool;
    case ValueKind::Int:
        return m_int != 0;
    case ValueKind::Float:
        return m_float != 0;
    case ValueKind::String:
        return !m_text->empty();
    case ValueKind::List:
        return !m_list->empty();
    case ValueKind::Dict:
        return !m_dict->entries.empty();
    case ValueKind::Namespace:
    case ValueKind::Callable:
        return true;
    }
    return false;
}

std::string Value::typeName() const
{
    switch (m_kind) {
    case ValueKind::Undefined:
        return "Undefined";
    case ValueKind::None:
        return "NoneType";
    case ValueKind::Bool:
        return "bool";
    case ValueKind::Int:
        return "int";
    case ValueKind::Float:
        return "float";
    case ValueKind::String:
        return "str";
    case ValueKind::List:
        return m_tuple ? "tuple" : "list";
    case ValueKind::Dict:
        return "dict";
    case ValueKind::Namespace:
        return "Namespace";
    case ValueKind::Callable:
        return "function";
    }
    return "object";
}

bool equals(const Value& a, const Value& b)
{
    if (a.isNumber() || a.kind() == ValueKind::Bool) {
        if (!(b.isNumber() || b.kind() == ValueKind::Bool)) return false;
        auto num = [](const Value& v) {
            return v.kind() == ValueKind::Bool ? (v.boolean() ? 1.0 : 0.0) : v.number();
        };
        if (a.kind() != ValueKind::Float && b.kind() != ValueKind::Float) {
            auto whole = [](const Value& v) {
                return v.kind() == ValueKind::Bool ? int64_t(v.boolean()) : v.integer();
            };
            return whole(a) == whole(b);
        }
        return num(a) == num(b);
    }
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
    case ValueKind::Undefined:
    case ValueKind::None:
        return true;
    case ValueKind::String:
        return a.text().str() == b.text().str();
    case ValueKind::List: {
        if (a.items().size() != b.items().size()) return false;
        for (size_t i = 0; i < a.items().size(); ++i)
            if (!equals(a.items()[i], b.items()[i])) return false;
        return true;
    }
    case ValueKind::Dict: {
        const auto& x = a.entries().entries;
        if (x.size() != b.entries().entries.size()) return false;
        for (const auto& [key, value] : x) {
            const Value* other = b.entries().find(key);
            if (!other || !equals(value, *other)) return false;
        }
        return true;
    }
    default:
        return &a.entries() == &b.entries();
    }
}

std::string floatRepr(double value)
{
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    // The shortest digits that round-trip, then Python's layout: positional for 1e-4 <= |x| < 1e16.
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    std::string sci(buffer, end);
    const size_t e = sci.find('e');
    std::string mantissa = sci.substr(0, e);
    const int exponent = std::stoi(sci.substr(e + 1));
    const bool negative = mantissa[0] == '-';
    if (negative) mantissa.erase(0, 1);
    std::string digits;
    for (char c : mantissa)
        if (c != '.') digits += c;
    std::string out;
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out = "0." + std::string(-exponent - 1, '0') + digits;
        } else if (static_cast<int>(digits.size()) <= exponent + 1) {
            out = digits + std::string(exponent + 1 - digits.size(), '0') + ".0";
        } else {
            out = digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
        }
    } else {
        out = digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char exp[16];
        std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        out += exp;
    }
    return negative ? "-" + out : out;
}

namespace {

std::string reprString(const std::string& s)
{
    const bool single = s.find('\'') != std::string::npos;
    const bool dbl = s.find('"') != std::string::npos;
    const char quote = single && !dbl ? '"' : '\'';
    std::string out(1, quote);
    for (unsigned char c : s) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c == quote) {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c < 0x20 || c == 0x7f) {
                char hex[8];
                std::snprintf(hex, sizeof hex, "\\x%02x", c);
                out += hex;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += quote;
    return out;
}

} // namespace

std::string pythonRepr(const Value& value)
{
    switch (value.kind()) {
    case ValueKind::String:
        return reprString(value.text().str());
    case ValueKind::List: {
        std::string out = value.isTuple() ? "(" : "[";
        for (size_t i = 0; i < value.items().size(); ++i) {
            if (i) out += ", ";
            out += pythonRepr(value.items()[i]);
        }
        if (value.isTuple() && value.items().size() == 1) out += ",";
        return out + (value.isTuple() ? ")" : "]");
    }
    case ValueKind::Dict: {
        std::string out = "{";
        bool first = true;
        for (const auto& [key, item] : value.entries().entries) {
            if (!first) out += ", ";
            first = false;
            out += reprString(key) + ": " + pythonRepr(item);
        }
        return out + "}";
    }
    default:
        return toText(value).str();
    }
}

MarkedText toText(const Value& value)
{
    switch (value.kind()) {
    case ValueKind::Undefined:
        return {};
    case ValueKind::None:
        return MarkedText("None");
    case ValueKind::Bool:
        return MarkedText(value.boolean() ? "True" : "False");
    case ValueKind::Int:
        return MarkedText(std::to_string(value.integer()));
    case ValueKind::Float:
        return MarkedText(floatRepr(value.number()));
    case ValueKind::String:
        return value.text();
    case ValueKind::Namespace:
        return MarkedText("<Namespace>");
    case ValueKind::Callable:
        return MarkedText("<function " + value.callableName() + ">");
    case ValueKind::List:
    case ValueKind::Dict: {
        // The repr of a container holding the caller's strings is the caller's text.
        MarkedText out(pythonRepr(value));
        std::function<bool(const Value&)> fromCaller = [&](const Value& v) {
            if (v.isString()) return v.text().anyFromCaller();
            if (v.isList()) {
                for (const auto& item : v.items())
                    if (fromCaller(item)) return true;
            }
            if (v.isDict()) {
                for (const auto& [key, item] : v.entries().entries)
                    if (fromCaller(item)) return true;
            }
            return false;
        };
        if (fromCaller(value)) out.markAllFromCaller();
        return out;
    }
    }
    return {};
}

} // namespace hearth::jinja
