#include "pdf.h"

#include "plaintext.h"

#include <QString>
#include <algorithm>
#include <cctype>
#include <memory>
#include <poppler-qt6.h>

namespace hearth::documents {

namespace {

struct Line {
    std::string text;
    double top = 0;
    double bottom = 0;
};

// Words of one page grouped into lines: Poppler gives words in reading order and ends each line's
// chain of nextWord() links with nullptr.
std::vector<Line> pageLines(const Poppler::Page& page)
{
    std::vector<Line> lines;
    Line current;
    bool open = false;
    for (const auto& box : page.textList()) {
        const QRectF r = box->boundingBox();
        if (!open) {
            current = Line { {}, r.top(), r.bottom() };
            open = true;
        }
        // NFKC turns the typographic ligatures fonts draw ("ﬁ", "ﬂ") back into letters.
        current.text += box->text().normalized(QString::NormalizationForm_KC).toStdString();
        current.top = std::min(current.top, r.top());
        current.bottom = std::max(current.bottom, r.bottom());
        if (box->nextWord() == nullptr) {
            lines.push_back(std::move(current));
            open = false;
        } else if (box->hasSpaceAfter()) {
            current.text.push_back(' ');
        }
    }
    if (open) lines.push_back(std::move(current));
    return lines;
}

// Lines → paragraphs: a vertical gap larger than ~0.7 of a line's height (a blank line or paragraph
// spacing) starts a new paragraph; a word hyphenated across lines is joined again.
void appendParagraphs(const std::vector<Line>& lines, int pageNumber, std::vector<Paragraph>& out)
{
    std::string pending;
    double previousBottom = 0;
    auto flush = [&] {
        std::string text = collapseWhitespace(pending);
        if (!text.empty()) out.push_back(Paragraph { std::move(text), pageNumber });
        pending.clear();
    };
    for (size_t i = 0; i < lines.size(); ++i) {
        const Line& line = lines[i];
        const double height = std::max(1.0, line.bottom - line.top);
        if (i > 0 && line.top - previousBottom > 0.7 * height) flush();
        if (!pending.empty()) {
            const bool hyphenated = pending.back() == '-' && !line.text.empty()
                && std::islower(static_cast<unsigned char>(line.text[0]));
            if (hyphenated)
                pending.pop_back();
            else
                pending.push_back(' ');
        }
        pending += line.text;
        previousBottom = line.bottom;
    }
    flush();
}

} // namespace

Result<PdfText> pdfParagraphs(const std::string& path)
{
    std::unique_ptr<Poppler::Document> document = Poppler::Document::load(QString::fromStdString(path));
    if (!document)
        return makeError(
            ErrorCode::BadFormat, "this PDF could not be opened: the file is damaged or not a PDF");
    if (document->isLocked())
        return makeError(ErrorCode::Unsupported,
            "this PDF is encrypted with a password; open it in a PDF viewer, save an "
            "unprotected copy, and try that copy");

    PdfText result;
    result.pageCount = document->numPages();
    result.title = document->info(QStringLiteral("Title")).trimmed().toStdString();
    for (int index = 0; index < result.pageCount; ++index) {
        const std::unique_ptr<Poppler::Page> page = document->page(index);
        if (page) appendParagraphs(pageLines(*page), index + 1, result.paragraphs);
    }
    if (result.paragraphs.empty()) {
        if (result.pageCount == 0) return makeError(ErrorCode::BadFormat, "this PDF has no pages");
        return makeError(ErrorCode::Unsupported, "this PDF has no text to read — it may be a scan");
    }
    return result;
}

} // namespace hearth::documents
