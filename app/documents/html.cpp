#include "html.h"

#include "plaintext.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace hearth::documents {

namespace {

// Elements whose start or end breaks the text into a new paragraph.
constexpr std::array kBlockTags = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
};

// Elements whose content is not text for a reader.
constexpr std::array kSkippedTags = { "script", "style", "noscript", "template", "svg" };

constexpr std::pair<const char*, char32_t> kEntities[] = {
    { "amp", '&' },
    { "lt", '<' },
    { "gt", '>' },
    { "quot", '"' },
    { "apos", '\'' },
    { "nbsp", 0xA0 },
    { "copy", 0xA9 },
    { "reg", 0xAE },
    { "trade", 0x2122 },
    { "hellip", 0x2026 },
    { "mdash", 0x2014 },
    { "ndash", 0x2013 },
    { "lsquo", 0x2018 },
    { "rsquo", 0x2019 },
    { "ldquo", 0x201C },
    { "rdquo", 0x201D },
    { "laquo", 0xAB },
    { "raquo", 0xBB },
    { "bull", 0x2022 },
    { "middot", 0xB7 },
    { "deg", 0xB0 },
    { "euro", 0x20AC },
    { "pound", 0xA3 },
    { "yen", 0xA5 },
    { "cent", 0xA2 },
    { "sect", 0xA7 },
    { "para", 0xB6 },
    { "times", 0xD7 },
    { "divide", 0xF7 },
    { "plusmn", 0xB1 },
    { "eacute", 0xE9 },
    { "egrave", 0xE8 },
    { "ecirc", 0xEA },
    { "aacute", 0xE1 },
    { "agrave", 0xE0 },
    { "acirc", 0xE2 },
    { "auml", 0xE4 },
    { "ouml", 0xF6 },
    { "uuml", 0xFC },
    { "Auml", 0xC4 },
    { "Ouml", 0xD6 },
    { "Uuml", 0xDC },
    { "szlig", 0xDF },
    { "ccedil", 0xE7 },
    { "ntilde", 0xF1 },
    { "iacute", 0xED },
    { "oacute", 0xF3 },
    { "uacute", 0xFA },
    { "shy", 0xAD },
    { "zwj", 0x200D },
    { "zwnj", 0x200C },
    { "ensp", 0x2002 },
    { "emsp", 0x2003 },
    { "thinsp", 0x2009 },
};

void appendUtf8(std::string& out, char32_t code)
{
    if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) code = 0xFFFD;
    if (code < 0x80) {
        out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

template <size_t N> bool contains(const std::array<const char*, N>& names, const std::string& name)
{
    return std::any_of(names.begin(), names.end(), [&](const char* n) { return name == n; });
}

// The tag name of "<p class=x>" / "</p>" / "<br/>": lower case, without '/' and attributes.
std::string tagName(std::string_view tag, bool& closing)
{
    closing = !tag.empty() && tag[0] == '/';
    if (closing) tag.remove_prefix(1);
    size_t end = 0;
    while (end < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[end])) || tag[end] == '-'))
        ++end;
    return lower(tag.substr(0, end));
}

struct Builder {
    std::vector<Paragraph> paragraphs;
    std::string pending;
    bool pre = false;

    void text(std::string_view raw) { pending += decodeEntities(raw); }
    void breakParagraph()
    {
        // In <pre>, lines are kept; elsewhere whitespace collapses as a browser would.
        std::string out = pre ? std::string(pending) : collapseWhitespace(pending);
        if (pre) {
            const size_t first = out.find_first_not_of(" \t\r\n");
            out = first == std::string::npos ? std::string {}
                                             : out.substr(first, out.find_last_not_of(" \t\r\n") - first + 1);
        }
        // A no-break space (U+00A0) alone is an empty paragraph.
        if (!out.empty() && out != "\xC2\xA0") paragraphs.push_back(Paragraph { std::move(out), 0 });
        pending.clear();
    }
};

} // namespace

std::string decodeEntities(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out.push_back(text[i]);
            continue;
        }
        const size_t semi = text.find(';', i + 1);
        if (semi == std::string_view::npos || semi - i > 10) {
            out.push_back('&');
            continue;
        }
        const std::string_view name = text.substr(i + 1, semi - i - 1);
        char32_t code = 0;
        bool known = false;
        if (name.size() > 1 && name[0] == '#') {
            const bool hex = name[1] == 'x' || name[1] == 'X';
            const std::string digits(name.substr(hex ? 2 : 1));
            if (!digits.empty()
                && digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789")
                    == std::string::npos) {
                code = static_cast<char32_t>(std::stoul(digits, nullptr, hex ? 16 : 10) & 0x1FFFFF);
                known = true;
            }
        } else {
            for (const auto& [entity, value] : kEntities)
                if (name == entity) {
                    code = value;
                    known = true;
                    break;
                }
        }
        if (!known) {
            out.push_back('&');
            continue;
        }
        appendUtf8(out, code);
        i = semi;
    }
    return out;
}

HtmlText htmlParagraphs(std::string_view html)
{
    HtmlText result;
    Builder builder;
    std::string skipping; // the element whose content is being skipped, e.g. "script"
    bool inTitle = false;
    size_t i = 0;
    while (i < html.size()) {
        const size_t lt = html.find('<', i);
        const std::string_view text
            = html.substr(i, lt == std::string_view::npos ? std::string_view::npos : lt - i);
        if (inTitle)
            result.title += decodeEntities(text);
        else if (skipping.empty())
            builder.text(text);
        if (lt == std::string_view::npos) break;
        // Comments and doctype/CDATA declarations carry no text.
        if (html.substr(lt, 4) == "<!--") {
            const size_t end = html.find("-->", lt + 4);
            i = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        // "a < b": a '<' not followed by a tag name, '/', '!' or '?' is text.
        const char after = lt + 1 < html.size() ? html[lt + 1] : ' ';
        if (!std::isalpha(static_cast<unsigned char>(after)) && after != '/' && after != '!'
            && after != '?') {
            if (skipping.empty() && !inTitle) builder.text("<");
            i = lt + 1;
            continue;
        }
        const size_t gt = html.find('>', lt + 1);
        if (gt == std::string_view::npos) break; // a dangling '<' at the end: nothing more to read
        const std::string_view tag = html.substr(lt + 1, gt - lt - 1);
        i = gt + 1;
        if (!tag.empty() && (tag[0] == '!' || tag[0] == '?')) continue;
        bool closing = false;
        const std::string name = tagName(tag, closing);
        if (name.empty()) {
            // "a < b" in text: not a tag after all.
            if (skipping.empty() && !inTitle) builder.text(html.substr(lt, gt - lt + 1));
            continue;
        }
        if (!skipping.empty()) {
            if (closing && name == skipping) skipping.clear();
            continue;
        }
        if (name == "title") {
            inTitle = !closing;
            continue;
        }
        if (!closing && contains(kSkippedTags, name) && !(tag.size() > 0 && tag.back() == '/')) {
            skipping = name;
            continue;
        }
        if (contains(kBlockTags, name)) {
            builder.breakParagraph();
            if (name == "pre") builder.pre = !closing;
        } else if (name == "td" || name == "th") {
            builder.pending.push_back(' ');
        }
    }
    builder.breakParagraph();
    result.title = collapseWhitespace(result.title);
    result.paragraphs = std::move(builder.paragraphs);
    return result;
}

} // namespace hearth::documents
