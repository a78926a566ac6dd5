// Extraction entry point: picks the reader from the file's extension (and its first bytes), checks the
// size limit, and returns the document's paragraphs or an Error whose message is fit for the user.
#pragma once

#include "document.h"
#include "util/result.h"

#include <string>

namespace hearth::documents {

// Formats we read, by extension; a file with another extension is refused with a message listing these.
bool isSupportedExtension(const std::string& path);
std::string supportedExtensions(); // "txt, md, markdown, html, htm, pdf, docx, or ..." for messages

Result<Document> extract(const std::string& path, int64_t maxBytes = kMaxDocumentBytes);

} // namespace hearth::documents
