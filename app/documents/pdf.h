// PDF text through Poppler: paragraphs rebuilt from word boxes (line ends, vertical gaps), each with its
// page number. Encrypted and image-only (scanned) files get their own messages.
#pragma once

#include "document.h"
#include "util/result.h"

#include <string>

namespace hearth::documents {

struct PdfText {
    std::string title; // the PDF's Title metadata, when set
    int pageCount = 0;
    std::vector<Paragraph> paragraphs;
};

Result<PdfText> pdfParagraphs(const std::string& path);

} // namespace hearth::documents
