// HTML to paragraphs: tags stripped, block elements end paragraphs, entities decoded, <script>/<style>
// dropped, <title> kept as the document's title. A forgiving scanner, not a validating parser: real pages
// are rarely well-formed XML.
#pragma once

#include "document.h"

#include <string>
#include <string_view>
#include <vector>

namespace hearth::documents {

struct HtmlText {
    std::string title;
    std::vector<Paragraph> paragraphs;
};

HtmlText htmlParagraphs(std::string_view html);

// "&amp;" → "&", "&#233;" / "&#xE9;" → "é", the common named entities; unknown ones stay as written.
std::string decodeEntities(std::string_view text);

} // namespace hearth::documents
