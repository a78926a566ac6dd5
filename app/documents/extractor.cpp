#include "extractor.h"

#include "docx.h"
#include "html.h"
#include "pdf.h"
#include "plaintext.h"
#include "textcheck.h"

#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <cctype>

namespace hearth::documents {

namespace {

std::string lowerExtension(const std::string& path)
{
    std::string ext = QFileInfo(QString::fromStdString(path)).suffix().toLower().toStdString();
    return ext;
}

bool isOneOf(const std::string& ext, std::initializer_list<const char*> names)
{
    return std::any_of(names.begin(), names.end(), [&](const char* n) { return ext == n; });
}

std::string megabytes(int64_t bytes)
{
    return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MB";
}

Result<std::string> readAll(const QString& path, int64_t size)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, "cannot read this file: " + file.errorString().toStdString());
    std::string bytes(static_cast<size_t>(size), '\0');
    const qint64 n = file.read(bytes.data(), size);
    if (n < 0) return makeError(ErrorCode::Io, "cannot read this file: " + file.errorString().toStdString());
    bytes.resize(static_cast<size_t>(n));
    return bytes;
}

// The first bytes say more than the extension: a PDF or a zip renamed to .txt is still binary to a
// text reader, and should say so instead of producing garbage.
std::string sniff(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.read(5).toStdString();
}

} // namespace

std::string Document::joinedText() const
{
    std::string out;
    for (const Paragraph& p : paragraphs) {
        if (!out.empty()) out += "\n\n";
        out += p.text;
    }
    return out;
}

const char* formatName(Format format)
{
    switch (format) {
    case Format::PlainText:
        return "text";
    case Format::Markdown:
        return "markdown";
    case Format::Html:
        return "html";
    case Format::Pdf:
        return "pdf";
    case Format::Docx:
        return "docx";
    }
    return "text";
}

std::string supportedExtensions()
{
    return "txt, text, md, markdown, html, htm, xhtml, pdf, docx, or plain text with no extension";
}

// A file with no extension (README, Debian's licence texts) is read as plain text; its bytes still
// have to look like text (decodeText), so a binary without an extension gets a clear error.
bool isSupportedExtension(const std::string& path)
{
    return isOneOf(
        lowerExtension(path), { "", "txt", "text", "md", "markdown", "html", "htm", "xhtml", "pdf", "docx" });
}

Result<Document> extract(const std::string& path, int64_t maxBytes)
{
    const QString qpath = QString::fromStdString(path);
    const QFileInfo info(qpath);
    if (!info.exists()) return makeError(ErrorCode::FileNotFound, "no such file: " + path);
    if (!info.isFile()) return makeError(ErrorCode::InvalidArgument, "not a regular file: " + path);
    if (!isSupportedExtension(path))
        return makeError(
            ErrorCode::Unsupported, "this kind of file cannot be read; supported: " + supportedExtensions());
    if (info.size() == 0) return makeError(ErrorCode::BadFormat, "the file is empty");
    // Checked before reading anything, so a huge file costs no memory.
    if (info.size() > maxBytes)
        return makeError(ErrorCode::Unsupported,
            "the file is too large (" + megabytes(info.size()) + "); documents up to " + megabytes(maxBytes)
                + " can be read");

    Document document;
    document.path = path;
    document.title = info.completeBaseName().toStdString();
    const std::string ext = lowerExtension(path);

    if (ext == "pdf") {
        document.format = Format::Pdf;
        auto pdf = pdfParagraphs(path);
        if (!pdf) return pdf.error();
        if (!pdf->title.empty()) document.title = pdf->title;
        document.pageCount = pdf->pageCount;
        document.paragraphs = std::move(pdf->paragraphs);
        return document;
    }
    if (ext == "docx") {
        document.format = Format::Docx;
        auto paragraphs = docxParagraphs(path);
        if (!paragraphs) return paragraphs.error();
        if (paragraphs->empty()) return makeError(ErrorCode::BadFormat, "this document has no text");
        document.paragraphs = std::move(*paragraphs);
        return document;
    }

    // Text formats: refuse files that are really PDFs or zips before decoding them as text.
    const std::string magic = sniff(qpath);
    if (magic.starts_with("%PDF") || magic.starts_with("PK\x03\x04"))
        return makeError(ErrorCode::BadFormat,
            "this file is not text (it is a PDF or zip archive "
                + (ext.empty() ? std::string("without an extension") : "with a ." + ext + " extension")
                + "); rename it to its real type");
    auto bytes = readAll(qpath, info.size());
    if (!bytes) return bytes.error();
    auto text = decodeText(*bytes);
    if (!text) return text.error();
    if (isOneOf(ext, { "html", "htm", "xhtml" })) {
        document.format = Format::Html;
        HtmlText html = htmlParagraphs(*text);
        if (!html.title.empty()) document.title = html.title;
        document.paragraphs = std::move(html.paragraphs);
    } else if (isOneOf(ext, { "md", "markdown" })) {
        document.format = Format::Markdown;
        document.paragraphs = markdownParagraphs(*text);
    } else {
        document.format = Format::PlainText;
        document.paragraphs = plainTextParagraphs(*text);
    }
    if (document.paragraphs.empty())
        return makeError(ErrorCode::BadFormat, "this document has no text (only whitespace or markup)");
    return document;
}

} // namespace hearth::documents
