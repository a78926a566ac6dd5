#include "chat/jinja/json_parse.h"

#include "tokenizer/unicode.h"

#include <cstdlib>

namespace hearth::jinja {

namespace {

class JsonParser {
public:
    JsonParser(std::string_view text, bool fromCaller)
        : m_text(text)
        , m_fromCaller(fromCaller)
    {
    }

    bool parse(Value& out)
    {
        if (!value(out, 0)) return false;
        skipSpace();
        return m_pos == m_text.size() || fail("trailing characters");
    }
    std::string error() const { return m_error + " at byte " + std::to_string(m_pos); }

private:
    std::string_view m_text;
    bool m_fromCaller;
    size_t m_pos = 0;
    std::string m_error;

    bool fail(const char* message)
    {
        if (m_error.empty()) m_error = message;
        return false;
    }
    void skipSpace()
    {
        while (m_pos < m_text.size()
            && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r'
                || m_text[m_pos] == '\t'))
            ++m_pos;
    }
    bool literal(std::string_view word)
    {
        if (m_text.substr(m_pos, word.size()) != word) return fail("unexpected token");
        m_pos += word.size();
        return true;
    }

    bool string(std::string& out)
    {
        ++m_pos; // opening quote
        while (m_pos < m_text.size() && m_text[m_pos] != '"') {
            const char c = m_text[m_pos++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_text.size()) break;
            const char e = m_text[m_pos++];
            switch (e) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'u': {
                auto hex4 = [&](uint32_t& v) {
                    if (m_pos + 4 > m_text.size()) return false;
                    char* end = nullptr;
                    const std::string digits(m_text.substr(m_pos, 4));
                    v = static_cast<uint32_t>(std::strtoul(digits.c_str(), &end, 16));
                    if (end != digits.c_str() + 4) return false;
                    m_pos += 4;
                    return true;
                };
                uint32_t cp = 0;
                if (!hex4(cp)) return fail("bad \\u escape");
                if (cp >= 0xD800 && cp < 0xDC00 && m_text.substr(m_pos, 2) == "\\u") {
                    m_pos += 2;
                    uint32_t low = 0;
                    if (!hex4(low)) return fail("bad \\u escape");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                unicode::appendUtf8(out, cp);
                break;
            }
            default:
                out += e;
            }
        }
        if (m_pos >= m_text.size()) return fail("unterminated string");
        ++m_pos;
        return true;
    }

    bool value(Value& out, int depth)
    {
        if (depth > 200) return fail("nested too deeply");
        skipSpace();
        if (m_pos >= m_text.size()) return fail("unexpected end");
        const char c = m_text[m_pos];
        if (c == '"') {
            std::string s;
            if (!string(s)) return false;
            out = Value(std::move(s), m_fromCaller);
            return true;
        }
        if (c == '{') {
            ++m_pos;
            Dict dict;
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                ++m_pos;
                out = Value::dict(std::move(dict));
                return true;
            }
            while (true) {
                skipSpace();
                if (m_pos >= m_text.size() || m_text[m_pos] != '"') return fail("expected a key");
                std::string key;
                if (!string(key)) return false;
                skipSpace();
                if (m_pos >= m_text.size() || m_text[m_pos] != ':') return fail("expected ':'");
                ++m_pos;
                Value item;
                if (!value(item, depth + 1)) return false;
                dict.set(key, std::move(item));
                skipSpace();
                if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                    ++m_pos;
                    continue;
                }
                if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                    ++m_pos;
                    out = Value::dict(std::move(dict));
                    return true;
                }
                return fail("expected ',' or '}'");
            }
        }
        if (c == '[') {
            ++m_pos;
            List list;
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                ++m_pos;
                out = Value::list(std::move(list));
                return true;
            }
            while (true) {
                Value item;
                if (!value(item, depth + 1)) return false;
                list.push_back(std::move(item));
                skipSpace();
                if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                    ++m_pos;
                    continue;
                }
                if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                    ++m_pos;
                    out = Value::list(std::move(list));
                    return true;
                }
                return fail("expected ',' or ']'");
            }
        }
        if (c == 't') return literal("true") && (out = Value(true), true);
        if (c == 'f') return literal("false") && (out = Value(false), true);
        if (c == 'n') return literal("null") && (out = Value::none(), true);
        size_t end = m_pos;
        bool isFloat = false;
        while (end < m_text.size()
            && std::string_view("+-0123456789.eE").find(m_text[end]) != std::string_view::npos) {
            isFloat = isFloat || m_text[end] == '.' || m_text[end] == 'e' || m_text[end] == 'E';
            ++end;
        }
        if (end == m_pos) return fail("unexpected character");
        const std::string number(m_text.substr(m_pos, end - m_pos));
        m_pos = end;
        out = isFloat ? Value(std::strtod(number.c_str(), nullptr))
                      : Value(static_cast<int64_t>(std::strtoll(number.c_str(), nullptr, 10)));
        return true;
    }
};

} // namespace

Result<Value> parseJson(std::string_view text, bool fromCaller)
{
    JsonParser parser(text, fromCaller);
    Value out;
    if (!parser.parse(out)) return makeError(ErrorCode::BadFormat, "invalid JSON: " + parser.error());
    return out;
}

} // namespace hearth::jinja
