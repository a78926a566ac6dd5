// DOCX (Office Open XML) text: word/document.xml read out of the zip with libzip and walked with
// QXmlStreamReader — paragraphs are <w:p>, text runs <w:t>, with tabs and line breaks kept.
#pragma once

#include "document.h"
#include "util/result.h"

#include <string>
#include <string_view>

namespace hearth::documents {

Result<std::vector<Paragraph>> docxParagraphs(const std::string& path);

// The paragraphs of a word/document.xml (exposed for tests of the XML walk alone).
Result<std::vector<Paragraph>> documentXmlParagraphs(std::string_view xml);

// Uncompressed size above which word/document.xml is refused (a "zip bomb" must not exhaust memory).
inline constexpr uint64_t kMaxDocumentXmlBytes = 256ull * 1024 * 1024;

} // namespace hearth::documents
