#include "plaintext.h"

#include <QRegularExpression>
#include <QString>

namespace hearth::documents {

namespace {

bool isBlank(std::string_view line)
{
    return line.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

void flush(std::string& pending, std::vector<Paragraph>& out)
{
    std::string text = collapseWhitespace(pending);
    if (!text.empty()) out.push_back(Paragraph { std::move(text), 0 });
    pending.clear();
}

// Inline Markdown reduced to its words: [text](url) → text, ![alt](src) → alt, **b**/*i*/`c`/~~s~~ → content.
std::string stripInlineMarkdown(const std::string& line)
{
    static const QRegularExpression image(QStringLiteral("!\\[([^\\]]*)\\]\\([^)]*\\)"));
    static const QRegularExpression link(QStringLiteral("\\[([^\\]]*)\\]\\([^)]*\\)"));
    static const QRegularExpression emphasis(QStringLiteral("(\\*\\*|__|~~|\\*|`)(\\S(?:.*?\\S)?)\\1"));
    QString s = QString::fromStdString(line);
    s.replace(image, QStringLiteral("\\1"));
    s.replace(link, QStringLiteral("\\1"));
    for (int pass = 0; pass < 2; ++pass) // nested emphasis like ***x***
        s.replace(emphasis, QStringLiteral("\\2"));
    return s.toStdString();
}

// A Markdown line that stands alone as a block: heading, list item, quote, table row, rule.
// Returns the line without its marker; `standalone` says whether it starts its own paragraph.
std::string markdownLine(std::string_view raw, bool& standalone, bool& rule)
{
    std::string_view line = raw;
    const size_t indent = line.find_first_not_of(" \t");
    line.remove_prefix(indent == std::string_view::npos ? line.size() : indent);
    standalone = false;
    rule = false;
    if (line.starts_with("#")) {
        const size_t marks = line.find_first_not_of('#');
        if (marks != std::string_view::npos && marks <= 6 && line[marks] == ' ') {
            standalone = true;
            line.remove_prefix(marks + 1);
            while (!line.empty() && (line.back() == '#' || line.back() == ' '))
                line.remove_suffix(1);
        }
    } else if (line.starts_with("---") || line.starts_with("***") || line.starts_with("===")) {
        if (line.find_first_not_of("-*=_ \r") == std::string_view::npos) {
            rule = true; // thematic break or setext underline: ends the paragraph
            return {};
        }
    } else if (line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ")) {
        standalone = true;
        line.remove_prefix(2);
    } else if (line.starts_with(">")) {
        standalone = true;
        line.remove_prefix(line.size() > 1 && line[1] == ' ' ? 2 : 1);
    } else {
        // Ordered list item: "12. text"
        const size_t digits = line.find_first_not_of("0123456789");
        if (digits > 0 && digits != std::string_view::npos && digits + 1 < line.size()
            && (line[digits] == '.' || line[digits] == ')') && line[digits + 1] == ' ') {
            standalone = true;
            line.remove_prefix(digits + 2);
        } else if (line.starts_with("|")) {
            standalone = true; // table row: cells separated by spaces
        }
    }
    std::string text = stripInlineMarkdown(std::string(line));
    if (standalone && !text.empty() && text[0] == '|') {
        if (text.find_first_not_of("|-: \r") == std::string::npos) return {}; // table separator row
        for (char& c : text)
            if (c == '|') c = ' ';
    }
    return text;
}

} // namespace

std::string collapseWhitespace(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = !out.empty();
        } else {
            if (space) out.push_back(' ');
            space = false;
            out.push_back(c);
        }
    }
    return out;
}

std::vector<Paragraph> plainTextParagraphs(std::string_view text)
{
    std::vector<Paragraph> out;
    std::string pending;
    for (std::string_view line : splitLines(text)) {
        if (isBlank(line) || line.find('\f') != std::string_view::npos) {
            flush(pending, out);
            continue;
        }
        pending.append(line).push_back(' ');
    }
    flush(pending, out);
    return out;
}

std::vector<Paragraph> markdownParagraphs(std::string_view text)
{
    std::vector<Paragraph> out;
    std::string pending;
    bool inFence = false;
    for (std::string_view line : splitLines(text)) {
        const size_t indent = line.find_first_not_of(" \t");
        const std::string_view trimmed
            = indent == std::string_view::npos ? std::string_view {} : line.substr(indent);
        if (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            flush(pending, out); // code block: its own paragraph, fences dropped
            inFence = !inFence;
            continue;
        }
        if (inFence) {
            pending.append(line).push_back('\n');
            continue;
        }
        if (isBlank(line)) {
            flush(pending, out);
            continue;
        }
        bool standalone = false;
        bool rule = false;
        std::string content = markdownLine(line, standalone, rule);
        if (rule) {
            flush(pending, out);
            continue;
        }
        if (standalone) {
            flush(pending, out);
            pending = std::move(content);
            // A heading is complete on its line; list items and quotes may continue on the next.
            if (line.find('#') != std::string_view::npos && trimmed.starts_with("#"))
                flush(pending, out);
            else
                pending.push_back(' ');
            continue;
        }
        pending.append(content).push_back(' ');
    }
    flush(pending, out);
    return out;
}

} // namespace hearth::documents
