#include "testfiles.h"

#include <QFile>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <zip.h>

namespace hearth::test {

bool writePdf(const QString& path, const std::vector<QStringList>& pages, const QString& title)
{
    QPdfWriter writer(path);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setResolution(72);
    if (!title.isEmpty()) writer.setTitle(title);
    QPainter painter(&writer);
    if (!painter.isActive()) return false;
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(11);
    painter.setFont(font);
    const int lineHeight = painter.fontMetrics().height();
    for (size_t p = 0; p < pages.size(); ++p) {
        if (p > 0) writer.newPage();
        int y = 60;
        for (const QString& paragraph : pages[p]) {
            // Each paragraph on its own line(s), wrapped by words at ~80 characters, a blank line after.
            QStringList words = paragraph.split(QLatin1Char(' '));
            QString line;
            for (const QString& word : words) {
                if (line.size() + word.size() > 80) {
                    painter.drawText(50, y, line);
                    y += lineHeight;
                    line.clear();
                }
                line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
            }
            painter.drawText(50, y, line);
            y += 2 * lineHeight;
        }
    }
    return painter.end();
}

bool writeImageOnlyPdf(const QString& path)
{
    QPdfWriter writer(path);
    writer.setResolution(72);
    QPainter painter(&writer);
    if (!painter.isActive()) return false;
    // A "scanned page": dark strokes on grey, as an image, no text drawn.
    QImage scan(400, 500, QImage::Format_RGB32);
    scan.fill(Qt::lightGray);
    QPainter ink(&scan);
    ink.setPen(QPen(Qt::black, 3));
    for (int y = 40; y < 460; y += 20)
        ink.drawLine(30, y, 370 - (y % 60), y);
    ink.end();
    painter.drawImage(QRect(40, 40, 400, 500), scan);
    return painter.end();
}

bool writeDocx(const QString& path, const QString& bodyXml)
{
    const QByteArray contentTypes
        = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
          "<Default Extension=\"rels\" "
          "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
          "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
          "<Override PartName=\"/word/document.xml\" "
          "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
          "</Types>";
    const QByteArray rels
        = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          "<Relationship Id=\"rId1\" "
          "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
          "Target=\"word/document.xml\"/></Relationships>";
    const QByteArray document
        = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
        + bodyXml.toUtf8() + "</w:body></w:document>";

    int error = 0;
    zip_t* archive = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!archive) return false;
    // zip_source_buffer does not copy: the QByteArrays outlive zip_close below.
    const std::pair<const char*, const QByteArray*> entries[] = { { "[Content_Types].xml", &contentTypes },
        { "_rels/.rels", &rels }, { "word/document.xml", &document } };
    for (const auto& [name, bytes] : entries) {
        zip_source_t* source
            = zip_source_buffer(archive, bytes->constData(), static_cast<zip_uint64_t>(bytes->size()), 0);
        if (!source || zip_file_add(archive, name, source, ZIP_FL_ENC_UTF_8) < 0) {
            zip_source_free(source);
            zip_discard(archive);
            return false;
        }
    }
    return zip_close(archive) == 0;
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

std::vector<QStringList> manualPages(int pages, int perPage)
{
    const QStringList names { "history", "globstar", "nullglob", "extglob", "checkwinsize", "lastpipe" };
    std::vector<QStringList> out;
    for (int p = 0; p < pages; ++p) {
        QStringList paragraphs;
        for (int k = 0; k < perPage; ++k) {
            const int n = p * perPage + k;
            const QString name = names[n % names.size()];
            paragraphs << QStringLiteral(
                "-o %1 (shopt -s %1, set +o %1=%2): when set, ${PATH:-/usr/local/bin:/usr/bin} "
                "is searched %3 times; see BASH_VERSINFO[%4] and $((%2 * 8 + %4)). If the "
                "value of HISTSIZE=%5 is exceeded, ~/.bash_history#%2 is truncated.")
                              .arg(name)
                              .arg(n)
                              .arg(n % 7 + 1)
                              .arg(k)
                              .arg(500 + n);
        }
        out.push_back(paragraphs);
    }
    return out;
}

} // namespace hearth::test
