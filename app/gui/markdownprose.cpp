// MarkdownProse: backslash-escapes what md4c would read as raw HTML, an entity or an image, and
// says which links may be opened.
#include "markdownprose.h"

#include <QTextDocument>
#include <QUrl>
#include <algorithm>
#include <cctype>
#include <md4c.h>
#include <vector>

namespace {

// One md4c pass over UTF-8 Markdown: the byte offsets of the '<', '&', '!' and '|' to escape.
//
// Only the characters that start a construct are collected, and only those md4c reports in the
// document itself: an entity's '&'; an inline raw HTML span's '<' (a span running over several lines
// comes in pieces, and only the first is a start); the first '<' of an HTML block; an image's '!'
// (md4c does not report where the "![" is: it is the first one after the last text before the
// image, as only markup such as "**" or a link's '[' can lie between); the pipes of a Llama special
// token such as <|eot_id|> in a table cell, which would split the cell (md4c reports a cell's text
// ending in '<'). Once those are escaped, the rest of a former HTML block is ordinary Markdown again,
// and may hold code spans in which a backslash would show, so its other tags are left to the next
// pass to find.
class ConstructStarts {
public:
    explicit ConstructStarts(const QByteArray& utf8)
        : m_begin(utf8.constData())
        , m_end(utf8.constData() + utf8.size())
    {
        const MD_PARSER parser = {
            0, // abi_version
            unsigned(QTextDocument::MarkdownDialectGitHub), // the flags TextEdit.MarkdownText parses with
            &ConstructStarts::enterBlock, &ConstructStarts::leaveBlock, &ConstructStarts::enterSpan,
            &ConstructStarts::leaveSpan, &ConstructStarts::text,
            nullptr, // debug_log
            nullptr, // syntax
        };
        md_parse(m_begin, MD_SIZE(utf8.size()), &parser, this);
    }

    const std::vector<qsizetype>& offsets() const { return m_offsets; }

private:
    static int enterBlock(MD_BLOCKTYPE type, void* detail, void* self)
    {
        auto* s = static_cast<ConstructStarts*>(self);
        if (type == MD_BLOCK_CODE) // a fence's info string is no text, but may hold a "!["
            s->passed(static_cast<const MD_BLOCK_CODE_DETAIL*>(detail)->info);
        s->m_inHtmlBlock = type == MD_BLOCK_HTML;
        s->m_inTableCell = type == MD_BLOCK_TD || type == MD_BLOCK_TH;
        s->m_htmlBlockStartFound = false;
        s->m_afterHtmlLineEnd = false;
        return 0;
    }

    static int leaveBlock(MD_BLOCKTYPE, void*, void* self)
    {
        auto* s = static_cast<ConstructStarts*>(self);
        s->m_inHtmlBlock = false;
        s->m_inTableCell = false;
        s->m_afterHtmlLineEnd = false;
        return 0;
    }

    static int enterSpan(MD_SPANTYPE type, void*, void* self)
    {
        auto* s = static_cast<ConstructStarts*>(self);
        s->m_afterHtmlLineEnd = false;
        if (type == MD_SPAN_IMG) {
            const QByteArrayView after(s->m_begin + s->m_textEnd, s->m_end - s->m_begin - s->m_textEnd);
            const qsizetype bang = after.indexOf("![");
            if (bang >= 0) s->m_offsets.push_back(s->m_textEnd + bang);
        }
        return 0;
    }

    static int leaveSpan(MD_SPANTYPE type, void* detail, void* self)
    {
        auto* s = static_cast<ConstructStarts*>(self);
        s->m_afterHtmlLineEnd = false;
        // A link's or image's destination and title come after its text, and may hold a "![".
        if (type == MD_SPAN_A) {
            s->passed(static_cast<const MD_SPAN_A_DETAIL*>(detail)->href);
            s->passed(static_cast<const MD_SPAN_A_DETAIL*>(detail)->title);
        } else if (type == MD_SPAN_IMG) {
            s->passed(static_cast<const MD_SPAN_IMG_DETAIL*>(detail)->src);
            s->passed(static_cast<const MD_SPAN_IMG_DETAIL*>(detail)->title);
        }
        return 0;
    }

    // Text (or an attribute) at `text` has been read: no "![" before its end can open an image.
    void passed(const char* text, MD_SIZE size)
    {
        if (text && text >= m_begin && text + size <= m_end)
            m_textEnd = std::max(m_textEnd, qsizetype(text + size - m_begin));
    }
    void passed(const MD_ATTRIBUTE& attribute) { passed(attribute.text, attribute.size); }

    static int text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self)
    {
        static_cast<ConstructStarts*>(self)->onText(type, text, size);
        return 0;
    }

    void onText(MD_TEXTTYPE type, const char* text, MD_SIZE size)
    {
        // md4c hands out indentation and line ends of verbatim text from its own buffers.
        const bool inDocument = text >= m_begin && text < m_end;
        const bool continuesHtmlSpan = m_afterHtmlLineEnd;
        m_afterHtmlLineEnd = type == MD_TEXT_HTML && size > 0 && text[size - 1] == '\n';
        if (!inDocument || size == 0) return;
        passed(text, size);
        if (type == MD_TEXT_ENTITY && text[0] == '&') {
            m_offsets.push_back(text - m_begin);
        } else if (type == MD_TEXT_HTML && m_inHtmlBlock) {
            if (m_htmlBlockStartFound) return;
            const char* tag = std::find(text, text + size, '<');
            if (tag != text + size) {
                m_offsets.push_back(tag - m_begin);
                m_htmlBlockStartFound = true;
            }
        } else if (type == MD_TEXT_HTML && text[0] == '<' && !continuesHtmlSpan) {
            m_offsets.push_back(text - m_begin);
        } else if (type == MD_TEXT_NORMAL && m_inTableCell && text[size - 1] == '<') {
            specialTokenPipes(text + size);
        }
    }

    // At `pipe`, after a cell's '<': if "|name|>" follows, both pipes.
    void specialTokenPipes(const char* pipe)
    {
        if (pipe >= m_end || *pipe != '|') return;
        const char* name = pipe + 1;
        const char* close = name;
        while (close < m_end && (std::isalnum(static_cast<unsigned char>(*close)) || *close == '_'))
            ++close;
        if (close == name || close + 1 >= m_end || close[0] != '|' || close[1] != '>') return;
        m_offsets.push_back(pipe - m_begin);
        m_offsets.push_back(close - m_begin);
    }

    const char* m_begin;
    const char* m_end;
    std::vector<qsizetype> m_offsets;
    bool m_inHtmlBlock = false;
    bool m_inTableCell = false;
    bool m_htmlBlockStartFound = false;
    bool m_afterHtmlLineEnd = false; // the last text was raw HTML up to a line end
    qsizetype m_textEnd = 0; // where the last text md4c reported in the document ends
};

} // namespace

QString MarkdownProse::escapeForDisplay(const QString& markdown)
{
    QByteArray utf8 = markdown.toUtf8();
    // Each pass escapes at least one character, and an escaped one never starts a construct again,
    // so the passes end; the bound only guards against a parser that disagrees.
    const qsizetype maxPasses = utf8.count('<') + utf8.count('&') + utf8.count('!') + utf8.count('|') + 1;
    for (qsizetype pass = 0; pass < maxPasses; ++pass) {
        std::vector<qsizetype> offsets = ConstructStarts(utf8).offsets();
        if (offsets.empty()) break;
        std::sort(offsets.begin(), offsets.end());
        offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
        QByteArray escaped;
        escaped.reserve(utf8.size() + qsizetype(offsets.size()));
        qsizetype from = 0;
        for (qsizetype at : offsets) {
            escaped.append(utf8.constData() + from, at - from).append('\\');
            from = at;
        }
        escaped.append(utf8.constData() + from, utf8.size() - from);
        utf8 = std::move(escaped);
    }
    return QString::fromUtf8(utf8);
}

bool MarkdownProse::isOpenableLink(const QUrl& url)
{
    const QString scheme = url.scheme(); // QUrl keeps schemes in lower case
    return url.isValid()
        && (scheme == QLatin1String("https") || scheme == QLatin1String("http")
            || scheme == QLatin1String("mailto"));
}
