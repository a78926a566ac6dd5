#include "chat/jinja/lexer.h"

#include "chat/jinja/jinja_error.h"
#include "chat/jinja/unicode_text.h"
#include "tokenizer/unicode.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace hearth::jinja {

namespace {

[[noreturn]] void syntaxError(const std::string& message, int line, int column)
{
    throw JinjaError { JinjaErrorKind::Syntax, "TemplateSyntaxError", message, line, column };
}

std::string normalizeNewlines(std::string_view source)
{
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out += '\n';
            if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        } else {
            out += source[i];
        }
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

bool isHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Python's "unicode-escape" of a string literal's body, as jinja2 unescapes it.
std::string unescape(std::string_view body)
{
    std::string out;
    for (size_t i = 0; i < body.size(); ++i) {
        if (body[i] != '\\' || i + 1 == body.size()) {
            out += body[i];
            continue;
        }
        const char c = body[++i];
        auto hexEscape = [&](size_t digits) {
            for (size_t k = 1; k <= digits; ++k)
                if (i + k >= body.size() || !isHex(body[i + k])) return false;
            unicode::appendUtf8(
                out, static_cast<uint32_t>(std::stoul(std::string(body.substr(i + 1, digits)), nullptr, 16)));
            i += digits;
            return true;
        };
        switch (c) {
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
        case 'v':
            out += '\v';
            break;
        case 'a':
            out += '\a';
            break;
        case '\\':
            out += '\\';
            break;
        case '\'':
            out += '\'';
            break;
        case '"':
            out += '"';
            break;
        case '\n':
            break;
        case 'x':
            if (!hexEscape(2)) out += "\\x";
            break;
        case 'u':
            if (!hexEscape(4)) out += "\\u";
            break;
        case 'U':
            if (!hexEscape(8)) out += "\\U";
            break;
        default:
            if (c >= '0' && c <= '7') {
                uint32_t value = c - '0';
                for (int k = 0; k < 2 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7'; ++k)
                    value = value * 8 + (body[++i] - '0');
                unicode::appendUtf8(out, value);
            } else {
                out += '\\';
                out += c;
            }
        }
    }
    return out;
}

class Lexer {
public:
    explicit Lexer(std::string source)
        : m_src(std::move(source))
    {
    }

    std::vector<Token> run()
    {
        bool lineStarting = true;
        while (m_pos < m_src.size()) {
            const size_t tag = findTagStart(m_pos);
            std::string text = m_src.substr(m_pos, tag - m_pos);
            if (tag == m_src.size()) {
                pushText(std::move(text), m_pos);
                m_pos = tag;
                break;
            }
            const char kind = m_src[tag + 1]; // '{', '%' or '#'
            const char marker = tag + 2 < m_src.size() ? m_src[tag + 2] : '\0';
            if (marker == '-') {
                text = rstripPython(text);
            } else if (kind != '{' && marker != '+') {
                // lstrip_blocks: a block or comment tag alone on its line takes the indentation with it.
                const size_t lineStart = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
                if ((lineStart > 0 || lineStarting)
                    && text.find_first_not_of(" \t", lineStart) == std::string::npos)
                    text.resize(lineStart);
            }
            pushText(std::move(text), m_pos);
            m_pos = tag + 2 + ((marker == '-' || marker == '+') ? 1 : 0);
            bool stripAfter = false;
            bool keepNewline = false;
            if (kind == '#') {
                const size_t close = m_src.find("#}", m_pos);
                if (close == std::string::npos)
                    syntaxError("Missing end of comment tag", lineAt(tag), columnAt(tag));
                stripAfter = close > m_pos && m_src[close - 1] == '-';
                keepNewline = close > m_pos && m_src[close - 1] == '+';
                m_pos = close + 2;
            } else if (kind == '%' && isRawBlock()) {
                continue;
            } else {
                lexTag(kind, tag, stripAfter, keepNewline);
            }
            const size_t before = m_pos;
            if (stripAfter) {
                m_pos = lstripPythonAt(m_pos);
            } else if (kind != '{' && !keepNewline && m_pos < m_src.size() && m_src[m_pos] == '\n') {
                ++m_pos; // trim_blocks
            }
            lineStarting = m_pos > before && m_src[m_pos - 1] == '\n';
        }
        m_tokens.push_back({ TokenKind::End, "", lineAt(m_src.size()), columnAt(m_src.size()) });
        return std::move(m_tokens);
    }

private:
    std::string m_src;
    size_t m_pos = 0;
    std::vector<Token> m_tokens;
    std::vector<size_t> m_lineStarts { 0 };
    size_t m_lineScan = 0;

    int lineAt(size_t pos)
    {
        while (m_lineScan < m_src.size() && m_lineScan < pos) {
            if (m_src[m_lineScan] == '\n') m_lineStarts.push_back(m_lineScan + 1);
            ++m_lineScan;
        }
        return static_cast<int>(
            std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), pos) - m_lineStarts.begin());
    }
    int columnAt(size_t pos)
    {
        const size_t start = m_lineStarts[lineAt(pos) - 1];
        return static_cast<int>(pos - start) + 1;
    }

    size_t findTagStart(size_t from) const
    {
        for (size_t i = from; i + 1 < m_src.size(); ++i)
            if (m_src[i] == '{' && (m_src[i + 1] == '{' || m_src[i + 1] == '%' || m_src[i + 1] == '#'))
                return i;
        return m_src.size();
    }

    void pushText(std::string text, size_t at)
    {
        if (!text.empty()) m_tokens.push_back({ TokenKind::Text, std::move(text), lineAt(at), columnAt(at) });
    }

    static std::string rstripPython(const std::string& text)
    {
        return std::string(text.substr(0, text.size() - trailingPythonSpace(text)));
    }
    size_t lstripPythonAt(size_t pos) const
    {
        return pos + leadingPythonSpace(std::string_view(m_src).substr(pos));
    }

    // {% raw %}...{% endraw %}: the body is text, untouched.
    bool isRawBlock()
    {
        size_t p = m_pos;
        while (p < m_src.size() && (m_src[p] == ' ' || m_src[p] == '\t' || m_src[p] == '\n'))
            ++p;
        if (m_src.compare(p, 3, "raw") != 0) return false;
        size_t q = p + 3;
        while (q < m_src.size() && (m_src[q] == ' ' || m_src[q] == '\t' || m_src[q] == '\n'))
            ++q;
        const bool dash = m_src.compare(q, 3, "-%}") == 0;
        if (!dash && m_src.compare(q, 2, "%}") != 0) return false;
        size_t body = q + (dash ? 3 : 2);
        if (dash) body = lstripPythonAt(body);
        size_t search = body;
        while (true) {
            const size_t open = m_src.find("{%", search);
            if (open == std::string::npos)
                syntaxError("Missing end of raw directive", lineAt(m_pos), columnAt(m_pos));
            size_t r = open + 2 + (m_src[open + 2] == '-' ? 1 : 0);
            const bool stripBefore = m_src[open + 2] == '-';
            while (r < m_src.size() && (m_src[r] == ' ' || m_src[r] == '\t' || m_src[r] == '\n'))
                ++r;
            if (m_src.compare(r, 6, "endraw") == 0) {
                size_t e = r + 6;
                while (e < m_src.size() && (m_src[e] == ' ' || m_src[e] == '\t' || m_src[e] == '\n'))
                    ++e;
                const bool stripAfter = m_src.compare(e, 3, "-%}") == 0;
                const size_t close = m_src.find("%}", e);
                if (close == std::string::npos)
                    syntaxError("Missing end of raw directive", lineAt(r), columnAt(r));
                std::string text = m_src.substr(body, open - body);
                if (stripBefore) text = rstripPython(text);
                pushText(std::move(text), body);
                m_pos = close + 2;
                if (stripAfter)
                    m_pos = lstripPythonAt(m_pos);
                else if (m_pos < m_src.size() && m_src[m_pos] == '\n')
                    ++m_pos;
                return true;
            }
            search = open + 2;
        }
    }

    void lexTag(char kind, size_t tagStart, bool& stripAfter, bool& keepNewline)
    {
        const char closeChar = kind == '{' ? '}' : '%';
        m_tokens.push_back({ kind == '{' ? TokenKind::VariableBegin : TokenKind::BlockBegin, "",
            lineAt(tagStart), columnAt(tagStart) });
        int depth = 0; // brackets: "}}" inside a dict literal is not the end
        while (true) {
            while (m_pos < m_src.size() && std::strchr(" \t\n", m_src[m_pos]))
                ++m_pos;
            if (m_pos >= m_src.size()) {
                syntaxError(std::string("unexpected end of template, expected end of ")
                        + (kind == '{' ? "print statement" : "block statement"),
                    lineAt(tagStart), columnAt(tagStart));
            }
            const size_t at = m_pos;
            const char c = m_src[at];
            auto closesHere = [&](size_t p) {
                return p + 1 < m_src.size() && m_src[p] == closeChar && m_src[p + 1] == '}';
            };
            if (depth == 0 && (c == '-' || c == '+') && closesHere(at + 1)) {
                stripAfter = c == '-';
                keepNewline = c == '+' && kind == '%';
                m_pos = at + 3;
                break;
            }
            if (depth == 0 && closesHere(at)) {
                m_pos = at + 2;
                break;
            }
            if (c == '\'' || c == '"') {
                size_t end = at + 1;
                while (end < m_src.size() && m_src[end] != c) {
                    if (m_src[end] == '\\') ++end;
                    ++end;
                }
                if (end >= m_src.size()) syntaxError("unexpected end of string", lineAt(at), columnAt(at));
                m_tokens.push_back(
                    { TokenKind::String, unescape(std::string_view(m_src).substr(at + 1, end - at - 1)),
                        lineAt(at), columnAt(at) });
                m_pos = end + 1;
            } else if (std::isdigit(static_cast<unsigned char>(c))) {
                size_t end = at;
                bool isFloat = false;
                while (end < m_src.size()
                    && (std::isdigit(static_cast<unsigned char>(m_src[end])) || m_src[end] == '_'))
                    ++end;
                if (end + 1 < m_src.size() && m_src[end] == '.'
                    && std::isdigit(static_cast<unsigned char>(m_src[end + 1]))) {
                    isFloat = true;
                    ++end;
                    while (end < m_src.size()
                        && (std::isdigit(static_cast<unsigned char>(m_src[end])) || m_src[end] == '_'))
                        ++end;
                }
                if (end < m_src.size() && (m_src[end] == 'e' || m_src[end] == 'E')) {
                    size_t e = end + 1;
                    if (e < m_src.size() && (m_src[e] == '+' || m_src[e] == '-')) ++e;
                    if (e < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[e]))) {
                        isFloat = true;
                        end = e;
                        while (end < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[end])))
                            ++end;
                    }
                }
                std::string number;
                for (size_t i = at; i < end; ++i)
                    if (m_src[i] != '_') number += m_src[i];
                m_tokens.push_back(
                    { isFloat ? TokenKind::Float : TokenKind::Integer, number, lineAt(at), columnAt(at) });
                m_pos = end;
            } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
                size_t end = at;
                while (end < m_src.size()
                    && (std::isalnum(static_cast<unsigned char>(m_src[end])) || m_src[end] == '_'))
                    ++end;
                m_tokens.push_back({ TokenKind::Name, m_src.substr(at, end - at), lineAt(at), columnAt(at) });
                m_pos = end;
            } else {
                static const char* const twoChar[] = { "//", "**", "==", "!=", "<=", ">=" };
                std::string op(1, c);
                for (const char* two : twoChar)
                    if (m_src.compare(at, 2, two) == 0) op = two;
                if (op.size() == 1 && !std::strchr("+-*/%~()[]{},.:|=<>", c))
                    syntaxError(std::string("unexpected char '") + c + "'", lineAt(at), columnAt(at));
                if (op == "(" || op == "[" || op == "{") ++depth;
                if ((op == ")" || op == "]" || op == "}") && depth > 0) --depth;
                m_tokens.push_back({ TokenKind::Operator, op, lineAt(at), columnAt(at) });
                m_pos = at + op.size();
            }
        }
        m_tokens.push_back({ kind == '{' ? TokenKind::VariableEnd : TokenKind::BlockEnd, "", lineAt(m_pos),
            columnAt(m_pos) });
    }
};

} // namespace

std::vector<Token> tokenize(std::string_view source)
{
    return Lexer(normalizeNewlines(source)).run();
}

} // namespace hearth::jinja
