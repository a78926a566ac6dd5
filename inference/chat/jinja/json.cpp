#include "chat/jinja/json.h"

#include "chat/jinja/jinja_error.h"
#include "tokenizer/unicode.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hearth::jinja {

namespace {

void appendAscii(std::string& out, unsigned char c)
{
    switch (c) {
    case '"':
        out += "\\\"";
        break;
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
    case '\b':
        out += "\\b";
        break;
    case '\f':
        out += "\\f";
        break;
    default:
        if (c < 0x20) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\u%04x", c);
            out += hex;
        } else {
            out += static_cast<char>(c);
        }
    }
}

void appendString(std::string& out, const std::string& s, bool ensureAscii)
{
    out += '"';
    if (!ensureAscii) {
        for (unsigned char c : s)
            appendAscii(out, c); // bytes >= 0x80 pass through: UTF-8 as is
    } else {
        auto unit = [&](uint32_t u) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\u%04x", u);
            out += hex;
        };
        for (uint32_t cp : unicode::decodeUtf8(s)) {
            if (cp < 0x80) {
                appendAscii(out, static_cast<unsigned char>(cp));
            } else if (cp >= 0x10000) {
                unit(0xD800 + ((cp - 0x10000) >> 10));
                unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
            } else {
                unit(cp);
            }
        }
    }
    out += '"';
}

class Writer {
public:
    Writer(const JsonStyle& style, size_t maxBytes)
        : m_style(style)
        , m_maxBytes(maxBytes)
    {
    }

    void write(const Value& value, int depth)
    {
        if (m_out.size() > m_maxBytes || depth > 500) {
            throw JinjaError { JinjaErrorKind::Limit, "LimitError",
                "tojson output too large or too deep; refused" };
        }
        switch (value.kind()) {
        case ValueKind::None:
            m_out += "null";
            return;
        case ValueKind::Bool:
            m_out += value.boolean() ? "true" : "false";
            return;
        case ValueKind::Int:
            m_out += std::to_string(value.integer());
            return;
        case ValueKind::Float: {
            const double f = value.number();
            m_out += std::isnan(f) ? "NaN"
                : std::isinf(f)    ? (f > 0 ? "Infinity" : "-Infinity")
                                   : floatRepr(f);
            return;
        }
        case ValueKind::String:
            appendString(m_out, value.text().str(), m_style.ensureAscii);
            return;
        case ValueKind::List: {
            if (value.items().empty()) {
                m_out += "[]";
                return;
            }
            m_out += '[';
            for (size_t i = 0; i < value.items().size(); ++i) {
                if (i) m_out += m_style.itemSeparator;
                newline(depth + 1);
                write(value.items()[i], depth + 1);
            }
            newline(depth);
            m_out += ']';
            return;
        }
        case ValueKind::Dict: {
            auto entries = value.entries().entries;
            if (entries.empty()) {
                m_out += "{}";
                return;
            }
            if (m_style.sortKeys)
                std::stable_sort(entries.begin(), entries.end(),
                    [](const auto& a, const auto& b) { return a.first < b.first; });
            m_out += '{';
            for (size_t i = 0; i < entries.size(); ++i) {
                if (i) m_out += m_style.itemSeparator;
                newline(depth + 1);
                appendString(m_out, entries[i].first, m_style.ensureAscii);
                m_out += m_style.keySeparator;
                write(entries[i].second, depth + 1);
            }
            newline(depth);
            m_out += '}';
            return;
        }
        default:
            fail("TypeError", "Object of type " + value.typeName() + " is not JSON serializable");
        }
    }

    std::string take() { return std::move(m_out); }

private:
    const JsonStyle& m_style;
    size_t m_maxBytes;
    std::string m_out;

    void newline(int depth)
    {
        if (!m_style.indent) return;
        m_out += '\n';
        for (int i = 0; i < depth; ++i)
            m_out += *m_style.indent;
    }
};

} // namespace

std::string toJson(const Value& value, const JsonStyle& style, size_t maxBytes)
{
    Writer writer(style, maxBytes);
    writer.write(value, 0);
    std::string out = writer.take();
    if (out.size() > maxBytes) {
        throw JinjaError { JinjaErrorKind::Limit, "LimitError", "tojson output too large; refused" };
    }
    return out;
}

} // namespace hearth::jinja
