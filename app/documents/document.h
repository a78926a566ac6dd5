// A document as the summarizer sees it: ordered paragraphs of UTF-8 text, each with the page it
// starts on when the format has pages (PDF), else 0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::documents {

struct Paragraph {
    std::string text; // UTF-8, trimmed, never empty
    int page = 0; // 1-based page number; 0 when the format has no pages
};

enum class Format { PlainText, Markdown, Html, Pdf, Docx };

struct Document {
    std::string path;
    std::string title; // file name unless the format names one (HTML <title>)
    Format format = Format::PlainText;
    int pageCount = 0; // 0 when the format has no pages
    std::vector<Paragraph> paragraphs;

    // All paragraphs joined by blank lines (what gets stored and searched).
    std::string joinedText() const;
};

const char* formatName(Format format);

// Files above this size are refused before anything is read, so memory stays bounded; the message
// names the limit. 64 MB of text is far beyond what a summary can usefully cover (~16M tokens).
inline constexpr int64_t kMaxDocumentBytes = 64ll * 1024 * 1024;

} // namespace hearth::documents
