// MarkdownProse: makes a reply's prose safe to hand to Qt's Markdown reader (TextEdit.MarkdownText,
// QTextDocument::setMarkdown) so that what is shown is what the model wrote.
//
// Qt reads Markdown with md4c and passes raw HTML and entities on to its HTML importer: a literal
// "<s>" opens a tag that never closes and hides the rest of the reply, "&amp;" shows as "&". A model
// writes such text as text (token names, code talk, HTML it explains), so every '<' and '&' that
// md4c would take as HTML or as an entity gets a backslash, which Markdown reads as "this character,
// literally". The same md4c that Qt links decides which ones, with Qt's own flags, so code spans and
// code blocks (where a backslash would show) are never touched.
//
// Images get the same treatment: TextEdit would fetch `![x](http://…)` from the network as the reply
// is shown (a reply can be steered by a summarized document to leak what it read into that address)
// and show a picture instead of the words. With its '!' escaped, an image is a link like any other.
#pragma once

#include <QString>

class QUrl;

namespace MarkdownProse {

// `markdown` with a backslash before each '<' that starts raw HTML, each '&' that starts an entity
// and each '!' that starts an image, as md4c reads it with QTextDocument::MarkdownDialectGitHub (what
// TextEdit uses). The rest (emphasis, lists, headings, links, tables, code) is left as written and
// renders as before.
QString escapeForDisplay(const QString& markdown);

// Whether a link in a reply may be opened by a click: only web pages and mail addresses, never
// javascript:, file:, data: or a scheme a desktop handler might run.
bool isOpenableLink(const QUrl& url);

} // namespace MarkdownProse
