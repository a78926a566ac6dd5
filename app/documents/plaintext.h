// Paragraphs of plain text and Markdown: blocks separated by blank lines.
#pragma once

#include "document.h"

#include <string>
#include <string_view>
#include <vector>

namespace hearth::documents {

// Splits at blank lines; lines within a paragraph are joined with spaces (hard-wrapped prose).
std::vector<Paragraph> plainTextParagraphs(std::string_view text);

// As plain text, and Markdown's markup is taken off: headings ('#'), list and quote markers become
// separate paragraphs without their markers, code fences are dropped (their content kept), and
// emphasis/link syntax is reduced to its text.
std::vector<Paragraph> markdownParagraphs(std::string_view text);

// Whitespace runs become one space; leading/trailing whitespace goes.
std::string collapseWhitespace(std::string_view text);

} // namespace hearth::documents
