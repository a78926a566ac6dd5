// Writers for the documents the extraction tests read: each returns false (and the test fails) when
// the file could not be made.
#pragma once

#include <QString>
#include <QStringList>
#include <vector>

namespace hearth::test {

// A PDF with QPdfWriter: pages[i] holds the paragraphs of page i + 1, drawn with a blank line between.
bool writePdf(const QString& path, const std::vector<QStringList>& pages, const QString& title = {});
// A PDF whose single page is only a picture (like a scan): no text layer at all.
bool writeImageOnlyPdf(const QString& path);
// A DOCX: a zip with [Content_Types].xml, _rels/.rels and word/document.xml holding `documentXml`'s body.
bool writeDocx(const QString& path, const QString& bodyXml);
bool writeBytes(const QString& path, const QByteArray& bytes);
// Pages of a long technical manual, the kind of text that tokenizes badly (options, paths, numbers,
// symbols): `perPage` paragraphs a page, for writePdf.
std::vector<QStringList> manualPages(int pages, int perPage = 12);

} // namespace hearth::test
