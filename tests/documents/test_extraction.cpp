// Extraction of every supported format from files generated here (so their text is known), and a clear
// message for each bad input: empty, encrypted PDF, scanned PDF, corrupt DOCX, binary .txt, oversize.
#include "extractor.h"
#include "html.h"
#include "testfiles.h"

#include <QGuiApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace hearth::documents;

namespace {

QStringList texts(const Document& document)
{
    QStringList out;
    for (const Paragraph& p : document.paragraphs)
        out << QString::fromStdString(p.text);
    return out;
}

} // namespace

class ExtractionTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    // Extracts `file` expecting failure; returns the message.
    QString failure(const QString& file)
    {
        auto result = extract(file.toStdString());
        if (result.ok())
            return QStringLiteral("<no error: extracted %1 paragraphs>").arg(result->paragraphs.size());
        return QString::fromStdString(result.error().message);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void plainText()
    {
        QVERIFY(hearth::test::writeBytes(path("notes.txt"),
            "First paragraph, wrapped\nacross two lines.\n\n\n  Second one.  \r\n\r\nThird: caf\xC3\xA9.\n"));
        auto doc = extract(path("notes.txt").toStdString());
        QVERIFY2(doc.ok(), doc.ok() ? "" : doc.error().message.c_str());
        QCOMPARE(texts(*doc),
            QStringList({ "First paragraph, wrapped across two lines.", "Second one.", u"Third: café."_qs }));
        QCOMPARE(doc->paragraphs[0].page, 0);
        QCOMPARE(doc->title, std::string("notes"));
    }

    void encodings()
    {
        // UTF-16 with a byte-order mark, and Latin-1 (not valid UTF-8) both decode to the same text.
        QByteArray utf16("\xFF\xFE", 2);
        for (QChar c : u"Gr\u00FC\u00DFe aus K\u00F6ln."_qs)
            utf16.append(char(c.unicode() & 0xFF)).append(char(c.unicode() >> 8));
        QVERIFY(hearth::test::writeBytes(path("utf16.txt"), utf16));
        QVERIFY(hearth::test::writeBytes(path("latin1.txt"),
            "Gr\xFC\xDF"
            "e aus K\xF6ln."));
        for (const char* name : { "utf16.txt", "latin1.txt" }) {
            auto doc = extract(path(name).toStdString());
            QVERIFY2(doc.ok(), name);
            QCOMPARE(texts(*doc), QStringList({ u"Grüße aus Köln."_qs }));
        }
    }

    void markdown()
    {
        QVERIFY(hearth::test::writeBytes(path("readme.md"),
            "# The Title #\n\nSome **bold** and *italic* text with a [link](http://x.invalid)\n"
            "continued here.\n\n- first item\n- second `item`\n\n> quoted words\n\n"
            "```\ncode line\n```\n\n---\n\n1. numbered\n"));
        auto doc = extract(path("readme.md").toStdString());
        QVERIFY(doc.ok());
        QCOMPARE(doc->format, Format::Markdown);
        QCOMPARE(texts(*doc),
            QStringList({ "The Title", "Some bold and italic text with a link continued here.", "first item",
                "second item", "quoted words", "code line", "numbered" }));
    }

    void html()
    {
        QVERIFY(hearth::test::writeBytes(path("page.html"),
            "<!DOCTYPE html><html><head><title>A &amp; B</title>"
            "<style>p { color: red }</style><script>var x = '<p>no</p>';</script></head>"
            "<body><h1>Heading</h1><p>One <b>bold</b> &lt;tag&gt; &#233;&#x00E8; "
            "&nbsp;caf&eacute;</p><!-- a comment <p>hidden</p> -->"
            "<div>Line one<br>Line two</div><ul><li>item a</li><li>item b</li></ul>"
            "<table><tr><td>cell 1</td><td>cell 2</td></tr></table>"
            "<p>&unknown; 3 < 4</p></body></html>"));
        auto doc = extract(path("page.html").toStdString());
        QVERIFY(doc.ok());
        QCOMPARE(doc->title, std::string("A & B"));
        QCOMPARE(texts(*doc),
            QStringList({ "Heading", u"One bold <tag> éè \u00A0café"_qs, "Line one", "Line two", "item a",
                "item b", "cell 1 cell 2", "&unknown; 3 < 4" }));
    }

    void entities()
    {
        QCOMPARE(decodeEntities("&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&mdash;"),
            std::string("&<>\"'AB\xE2\x80\x94"));
        QCOMPARE(decodeEntities("AT&T & &#xZZ; &"), std::string("AT&T & &#xZZ; &"));
    }

    void pdfWithPages()
    {
        const std::vector<QStringList> pages = {
            { "Page one opens with this paragraph about lighthouses.",
                "A second paragraph on the first page." },
            { "The second page talks about tides and the moon, in a sentence long enough to wrap onto a "
              "second line of the page so that lines must be joined back into one paragraph.",
                "Short closing line." },
            { "Third page, single paragraph." },
        };
        QVERIFY(hearth::test::writePdf(path("report.pdf"), pages, QStringLiteral("Coastal Report")));
        auto doc = extract(path("report.pdf").toStdString());
        QVERIFY2(doc.ok(), doc.ok() ? "" : doc.error().message.c_str());
        QCOMPARE(doc->format, Format::Pdf);
        QCOMPARE(doc->pageCount, 3);
        QCOMPARE(doc->title, std::string("Coastal Report"));
        QStringList expected;
        std::vector<int> expectedPages;
        for (size_t p = 0; p < pages.size(); ++p)
            for (const QString& paragraph : pages[p]) {
                expected << paragraph;
                expectedPages.push_back(int(p) + 1);
            }
        QCOMPARE(texts(*doc), expected);
        for (size_t i = 0; i < doc->paragraphs.size(); ++i)
            QCOMPARE(doc->paragraphs[i].page, expectedPages[i]);
    }

    void docx()
    {
        QVERIFY(hearth::test::writeDocx(path("letter.docx"),
            "<w:p><w:r><w:t>Dear </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>reader,</w:t></w:r></w:p>"
            "<w:p/>"
            "<w:p><w:r><w:t xml:space=\"preserve\">Name:</w:t><w:tab/><w:t>Ada</w:t><w:br/><w:t>Line &amp; "
            "two</w:t></w:r></w:p>"
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>In a table cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
            "<w:p><w:r><w:t>Kind regards, \xC3\xA9mile</w:t></w:r></w:p>"));
        auto doc = extract(path("letter.docx").toStdString());
        QVERIFY2(doc.ok(), doc.ok() ? "" : doc.error().message.c_str());
        QCOMPARE(doc->format, Format::Docx);
        QCOMPARE(texts(*doc),
            QStringList(
                { "Dear reader,", "Name: Ada Line & two", "In a table cell", u"Kind regards, émile"_qs }));
    }

    // --- bad input: each gets a clear message, nothing crashes

    void emptyFile()
    {
        for (const char* name : { "empty.txt", "empty.pdf", "empty.docx", "empty.html" }) {
            QVERIFY(hearth::test::writeBytes(path(name), {}));
            QCOMPARE(failure(path(name)), QStringLiteral("the file is empty"));
        }
        QVERIFY(hearth::test::writeBytes(path("blank.md"), "   \n\n \t \n"));
        QVERIFY(failure(path("blank.md")).contains("no text"));
    }

    void encryptedPdf()
    {
        // QPdfWriter cannot encrypt; qpdf (scripts/install-deps.sh) re-writes our PDF with a user password.
        const QString qpdf = QStandardPaths::findExecutable(QStringLiteral("qpdf"));
        QVERIFY2(!qpdf.isEmpty(),
            "qpdf is needed to make the encrypted test PDF (scripts/install-deps.sh installs it)");
        QVERIFY(hearth::test::writePdf(path("plain.pdf"), { { "Secret text." } }));
        const int rc = QProcess::execute(
            qpdf, { "--encrypt", "user-pw", "owner-pw", "256", "--", path("plain.pdf"), path("locked.pdf") });
        QCOMPARE(rc, 0);
        const QString message = failure(path("locked.pdf"));
        QVERIFY2(message.contains("encrypted with a password"), qPrintable(message));
    }

    void scannedPdf()
    {
        QVERIFY(hearth::test::writeImageOnlyPdf(path("scan.pdf")));
        QCOMPARE(failure(path("scan.pdf")), u"this PDF has no text to read — it may be a scan"_qs);
    }

    void corruptPdf()
    {
        QVERIFY(hearth::test::writeBytes(path("broken.pdf"), "%PDF-1.4\nthis is not really a pdf\n"));
        QVERIFY(failure(path("broken.pdf")).contains("damaged"));
    }

    void corruptDocx()
    {
        // Not a zip at all; a zip cut in half; a zip without word/document.xml; a document.xml that is not
        // XML.
        QVERIFY(hearth::test::writeBytes(path("random.docx"), QByteArray(4096, 'x')));
        QVERIFY(failure(path("random.docx")).startsWith("this DOCX file is damaged"));

        QVERIFY(hearth::test::writeDocx(path("good.docx"), "<w:p><w:r><w:t>hello</w:t></w:r></w:p>"));
        QFile good(path("good.docx"));
        QVERIFY(good.open(QIODevice::ReadOnly));
        const QByteArray bytes = good.readAll();
        QVERIFY(hearth::test::writeBytes(path("truncated.docx"), bytes.left(bytes.size() / 2)));
        QVERIFY(failure(path("truncated.docx")).startsWith("this DOCX file is damaged"));

        QVERIFY(hearth::test::writeDocx(path("badxml.docx"), "<w:p><w:r><w:t>unclosed</w:r></w:p>"));
        const QString message = failure(path("badxml.docx"));
        QVERIFY2(
            message.startsWith("this DOCX file is damaged: its text is not valid XML"), qPrintable(message));
    }

    void binaryWithTextExtension()
    {
        QByteArray noise(8192, '\0');
        auto* random = QRandomGenerator::global();
        for (char& c : noise)
            c = char(random->bounded(256));
        QVERIFY(hearth::test::writeBytes(path("image.txt"), noise));
        QVERIFY(failure(path("image.txt")).contains("does not contain text"));
        // Binary without NUL bytes (high bytes and control characters) is refused too.
        QByteArray noNul = noise;
        noNul.replace('\0', '\x01');
        QVERIFY(hearth::test::writeBytes(path("noise.md"), noNul));
        QVERIFY(failure(path("noise.md")).contains("does not contain text"));
        // A PDF renamed to .html.
        QVERIFY(hearth::test::writePdf(path("real.pdf"), { { "x" } }));
        QFile::copy(path("real.pdf"), path("fake.html"));
        QVERIFY(failure(path("fake.html")).contains("is not text"));
    }

    // Debian's licence texts, README, COPYING: no extension, read as plain text when the bytes are text.
    void noExtension()
    {
        QVERIFY(hearth::test::writeBytes(path("COPYING"), "GNU GENERAL PUBLIC LICENSE\n\nPreamble text.\n"));
        auto doc = extract(path("COPYING").toStdString());
        QVERIFY2(doc.ok(), doc.ok() ? "" : doc.error().message.c_str());
        QCOMPARE(texts(*doc), QStringList({ "GNU GENERAL PUBLIC LICENSE", "Preamble text." }));
        QCOMPARE(doc->format, Format::PlainText);
        QByteArray noise(4096, '\0');
        QVERIFY(hearth::test::writeBytes(path("blob"), noise));
        QVERIFY(failure(path("blob")).contains("does not contain text"));
        QFile::copy(path("real.pdf"), path("scan"));
        const QString message = failure(path("scan"));
        QVERIFY2(message.contains("is not text (it is a PDF or zip archive without an extension)"),
            qPrintable(message));
    }

    void oversize()
    {
        // A 200 MB sparse file: refused from its size, before any byte is read.
        QFile big(path("huge.txt"));
        QVERIFY(big.open(QIODevice::WriteOnly));
        QVERIFY(big.resize(200ll * 1024 * 1024));
        big.close();
        const QString message = failure(path("huge.txt"));
        QVERIFY2(
            message.contains("too large (200 MB)") && message.contains("up to 64 MB"), qPrintable(message));
    }

    void unsupportedAndMissing()
    {
        QVERIFY(hearth::test::writeBytes(path("sheet.xlsx"), "PK"));
        QVERIFY(failure(path("sheet.xlsx")).contains("supported: txt"));
        QVERIFY(failure(path("does-not-exist.txt")).startsWith("no such file"));
    }
};

int main(int argc, char** argv)
{
    // QPdfWriter draws text with fonts: it needs a QGuiApplication (offscreen under CTest).
    QGuiApplication app(argc, argv);
    ExtractionTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_extraction.moc"
