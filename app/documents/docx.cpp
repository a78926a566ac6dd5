#include "docx.h"

#include <QByteArray>
#include <QXmlStreamReader>
#include <memory>
#include <zip.h>

namespace hearth::documents {

namespace {

constexpr const char* kDamaged = "this DOCX file is damaged: ";

struct ZipCloser {
    void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// The uncompressed bytes of `name` inside the archive, bounded by kMaxDocumentXmlBytes.
Result<std::string> readEntry(zip_t* archive, const char* name)
{
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat(archive, name, 0, &stat) != 0)
        return makeError(ErrorCode::BadFormat,
            std::string(kDamaged) + "it has no " + name + " (is it really a Word document?)");
    if (!(stat.valid & ZIP_STAT_SIZE) || stat.size > kMaxDocumentXmlBytes)
        return makeError(ErrorCode::Unsupported,
            std::string("this DOCX file's text is too large (over ")
                + std::to_string(kMaxDocumentXmlBytes >> 20) + " MB uncompressed)");
    std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen(archive, name, 0));
    if (!file) return makeError(ErrorCode::BadFormat, std::string(kDamaged) + zip_strerror(archive));
    std::string bytes(stat.size, '\0');
    uint64_t done = 0;
    while (done < stat.size) {
        const zip_int64_t n = zip_fread(file.get(), bytes.data() + done, stat.size - done);
        if (n < 0)
            return makeError(ErrorCode::BadFormat, std::string(kDamaged) + zip_file_strerror(file.get()));
        if (n == 0) break;
        done += static_cast<uint64_t>(n);
    }
    if (done != stat.size)
        return makeError(
            ErrorCode::BadFormat, std::string(kDamaged) + "an entry is shorter than its header says");
    return bytes;
}

} // namespace

Result<std::vector<Paragraph>> documentXmlParagraphs(std::string_view xml)
{
    QXmlStreamReader reader(QByteArray::fromRawData(xml.data(), static_cast<qsizetype>(xml.size())));
    std::vector<Paragraph> paragraphs;
    QString pending;
    int depth = 0; // nesting of <w:p> (text boxes hold paragraphs inside paragraphs)
    bool inText = false;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            // Element names are matched by local name under the WordprocessingML namespace prefix "w".
            const auto name = reader.name();
            if (name == u"p") {
                if (depth > 0 && !pending.trimmed().isEmpty()) {
                    paragraphs.push_back(Paragraph { pending.simplified().toStdString(), 0 });
                    pending.clear();
                }
                ++depth;
            } else if (name == u"t") {
                inText = true;
            } else if (name == u"tab") {
                pending += QLatin1Char('\t');
            } else if (name == u"br" || name == u"cr") {
                pending += QLatin1Char('\n');
            }
        } else if (token == QXmlStreamReader::EndElement) {
            const auto name = reader.name();
            if (name == u"t") {
                inText = false;
            } else if (name == u"p") {
                depth = std::max(0, depth - 1);
                // Tabs and breaks separate words; within a paragraph whitespace collapses like prose.
                const QString text = pending.simplified();
                if (!text.isEmpty()) paragraphs.push_back(Paragraph { text.toStdString(), 0 });
                pending.clear();
            }
        } else if (token == QXmlStreamReader::Characters && inText) {
            pending += reader.text();
        }
    }
    if (reader.hasError())
        return makeError(ErrorCode::BadFormat,
            std::string(kDamaged) + "its text is not valid XML (" + reader.errorString().toStdString() + ")");
    return paragraphs;
}

Result<std::vector<Paragraph>> docxParagraphs(const std::string& path)
{
    int errorCode = 0;
    std::unique_ptr<zip_t, ZipCloser> archive(zip_open(path.c_str(), ZIP_RDONLY, &errorCode));
    if (!archive) {
        zip_error_t error;
        zip_error_init_with_code(&error, errorCode);
        std::string message
            = std::string(kDamaged) + "it is not a readable zip archive (" + zip_error_strerror(&error) + ")";
        zip_error_fini(&error);
        return makeError(ErrorCode::BadFormat, std::move(message));
    }
    auto xml = readEntry(archive.get(), "word/document.xml");
    if (!xml) return xml.error();
    return documentXmlParagraphs(*xml);
}

} // namespace hearth::documents
