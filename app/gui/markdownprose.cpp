// MarkdownProse: backslash-escapes what md4c would read as raw HTML or an entity, and says which
// links may be opened.
#include "markdownprose.h"

#include <QTextDocument>
#include <QUrl>
#include <algorithm>
#include <md4c.h>
#include <vector>

namespace {

// One md4c pass over UTF-8 Markdown: the byte offsets of the '<' and '&' to escape.
//
// Only the characters that start a construct are collected, and only those md4c reports in the
// document itself: an entity's '&'; an inline raw HTML span's '<' (a span running over several lines
// comes in pieces, and only the first is a start); the first '<' of an HTML block. Once those are
// escaped, the rest of a former HTML block is ordinary Markdown again, and may hold code spans in
// which a backslash would show, so its other tags are left to the next pass to find.
class ConstructStarts {
public:
    explicit ConstructStarts(const QByteArray& utf8)
        : m_begin(utf8.constData())
        , m_end(utf8.constData() + utf8.size())
    {
        const MD_PARSER parser = {
            0, // abi_version
            unsigned(QTextDocument::MarkdownDialectGitHub), // the flags TextEdit.MarkdownText parses with
            &ConstructStarts::enterBlock, &ConstructStarts::leaveBlock, &ConstructStarts::span,
            &ConstructStarts::span, &ConstructStarts::text,
            nullptr, // debug_log
            nullptr, // syntax
        };
        md_parse(m_begin, MD_SIZE(utf8.size()), &parser, this);
    }

    const std::vector<qsizetype>& offsets() const { return m_offsets; }

private:
    static int enterBlock(MD_BLOCKTYPE type, void*, void* self)
    {
        auto* s = static_cast<ConstructStarts*>(self);
        s->m_inHtmlBlock = type == MD_BLOCK_HTML;
        s->m_htmlBlockStartFound = false;
        s->m_afterHtmlLineEnd = false;
        return 0;
    }

    static int leaveBlock(MD_BLOCKTYPE, void*, void* self)
    {
        auto* s = static_cast<ConstructStarts*>(self);
        s->m_inHtmlBlock = false;
        s->m_afterHtmlLineEnd = false;
        return 0;
    }

    static int span(MD_SPANTYPE, void*, void* self)
    {
        static_cast<ConstructStarts*>(self)->m_afterHtmlLineEnd = false;
        return 0;
    }

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
        }
    }

    const char* m_begin;
    const char* m_end;
    std::vector<qsizetype> m_offsets;
    bool m_inHtmlBlock = false;
    bool m_htmlBlockStartFound = false;
    bool m_afterHtmlLineEnd = false; // the last text was raw HTML up to a line end
};

} // namespace

QString MarkdownProse::escapeHtmlAndEntities(const QString& markdown)
{
    QByteArray utf8 = markdown.toUtf8();
    // Each pass escapes at least one character, and an escaped one never starts a construct again,
    // so the passes end; the bound only guards against a parser that disagrees.
    const qsizetype maxPasses = utf8.count('<') + utf8.count('&') + 1;
    for (qsizetype pass = 0; pass < maxPasses; ++pass) {
        std::vector<qsizetype> offsets = ConstructStarts(utf8).offsets();
        if (offsets.empty()) break;
        std::sort(offsets.begin(), offsets.end());
        offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
        for (auto it = offsets.rbegin(); it != offsets.rend(); ++it)
            utf8.insert(*it, '\\');
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
