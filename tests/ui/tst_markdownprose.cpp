// MarkdownProse: a reply's prose, read as Markdown the way TextEdit.MarkdownText reads it
// (QTextDocument::setMarkdown with its default, GitHub dialect), shows every character the model
// wrote when that text is not Markdown — HTML-looking tags, entities, stray backticks — while real
// Markdown (emphasis, headings, lists, links, tables, code) still renders, images as links. The expected
// visible texts are written by hand from CommonMark's rules (a code span or block shows its content
// literally; a soft line break shows as a space; a blank line separates paragraphs, one line each in plain
// text).
#include "markdownprose.h"
#include "texttools.h"

#include <QTest>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextList>
#include <QTextTable>
#include <QUrl>

namespace {

// What a reply's prose segment shows: the text of the document TextEdit builds from it.
QString shown(QTextDocument& doc, const QString& prose)
{
    doc.setMarkdown(MarkdownProse::escapeForDisplay(prose));
    return doc.toPlainText();
}

// The character format at the first occurrence of `text` in the document (none if it is not there).
QTextCharFormat formatOf(const QTextDocument& doc, const QString& text)
{
    const QTextCursor found = doc.find(text);
    if (found.isNull()) return {};
    QTextCursor at(found.document());
    at.setPosition(found.selectionStart() + 1);
    return at.charFormat();
}

// The first table in the document, and a cell's text.
QTextTable* firstTable(const QTextDocument& doc)
{
    for (QTextFrame* frame : doc.rootFrame()->childFrames())
        if (auto* table = qobject_cast<QTextTable*>(frame)) return table;
    return nullptr;
}

QString cellText(QTextTable* table, int row, int column)
{
    QTextCursor c = table->cellAt(row, column).firstCursorPosition();
    c.setPosition(table->cellAt(row, column).lastPosition(), QTextCursor::KeepAnchor);
    return c.selectedText();
}

} // namespace

class MarkdownProseTest : public QObject {
    Q_OBJECT

private slots:
    // Prose with no Markdown in it shows exactly as stored, character for character.
    void textThatIsNotMarkdownShowsAsWritten_data()
    {
        QTest::addColumn<QString>("reply");
        QTest::newRow("<s>")
            << "The tokenizer adds <s> at the start of every prompt, and this sentence stays visible.";
        QTest::newRow("<|eot_id|>")
            << "Llama 3.1 ends a turn with <|eot_id|> and a header with <|end_header_id|>.";
        QTest::newRow("<script>") << "Never run <script>alert(1)</script> from a reply.";
        QTest::newRow("closing tag alone") << "A </b> closes nothing here, and the rest shows.";
        QTest::newRow("block tag at the start") << "<div>looks like an HTML block</div> but is a sentence.";
        QTest::newRow("comment") << "<!-- a comment --> is text too.";
        QTest::newRow("img with handler") << "<img src=x onerror=alert(1)> shows as typed.";
        QTest::newRow("entities") << "&amp; &lt; &gt; &quot; &#60; &#x3C; &nbsp; &copy; stay as typed.";
        QTest::newRow("ampersands and comparisons") << "AT&T & Co: 5 < 6, 7 > 3, a&&b, x<y>z.";
        QTest::newRow("unbalanced backticks") << "A lone ` backtick and a `` pair that never closes.";
        QTest::newRow("tags and entities together")
            << "<s>&amp;</s> and <b>&lt;b&gt;</b> and <|eot_id|>&nbsp;";
        QTest::newRow("tag in a later line") << "First line is plain.\n<s> second line.";
    }

    void textThatIsNotMarkdownShowsAsWritten()
    {
        QFETCH(QString, reply);
        QTextDocument doc;
        QString expected = reply;
        expected.replace('\n', ' '); // a soft line break shows as a space
        QCOMPARE(shown(doc, reply), expected);
    }

    // Markdown syntax disappears as it should; what the model wrote around it does not.
    void markdownWithHostileTextShowsEveryWord_data()
    {
        QTest::addColumn<QString>("reply");
        QTest::addColumn<QString>("visible");
        QTest::newRow("mix") << "**Note:** the model writes <s> & <|eot_id|>; `<s>` is code."
                             << "Note: the model writes <s> & <|eot_id|>; <s> is code.";
        QTest::newRow("inline code keeps < and &") << "Inline `a<b> && c &amp; d` code."
                                                   << "Inline a<b> && c &amp; d code.";
        QTest::newRow("double-backtick code") << "Double ``x ` <s>`` ticks."
                                              << "Double x ` <s> ticks.";
        QTest::newRow("tilde fence") << "Before\n\n~~~\n<s> &amp;\n~~~"
                                     << "Before\n<s> &amp;";
        QTest::newRow("indented code") << "Text\n\n    <b> &amp; \\<"
                                       << "Text\n<b> &amp; \\<";
        QTest::newRow("fence in a list item") << "- step\n\n  ```\n  <b> &amp;\n  ```"
                                              << "step\n<b> &amp;";
        QTest::newRow("html block holding code") << "<div>\n`a<b>`\n</div>"
                                                 << "<div> a<b> </div>";
        QTest::newRow("tag running over lines") << "a <a\ntitle=\"x<y\">b</a> c"
                                                << "a <a title=\"x<y\">b</a> c";
        QTest::newRow("paragraphs") << "<s> first\n\n<div>\nsecond\n</div>"
                                    << "<s> first\n<div> second </div>";
        QTest::newRow("emphasis around tags") << "**<b>bold**</b> and *<i>*"
                                              << "<b>bold</b> and <i>";
        QTest::newRow("list") << "- <s>\n- &amp;\n- `<i>`"
                              << "<s>\n&amp;\n<i>";
        QTest::newRow("heading") << "# The <s> token"
                                 << "The <s> token";
        QTest::newRow("link text") << "[<s> & &amp;](https://example.org)"
                                   << "<s> & &amp;";
        QTest::newRow("escapes the model wrote") << "\\<s> and \\*"
                                                 << "<s> and *";
    }

    void markdownWithHostileTextShowsEveryWord()
    {
        QFETCH(QString, reply);
        QFETCH(QString, visible);
        QTextDocument doc;
        QCOMPARE(shown(doc, reply), visible);
    }

    void tableCellsKeepTheirText()
    {
        QTextDocument doc;
        doc.setMarkdown(MarkdownProse::escapeForDisplay(
            "| token | meaning |\n|---|---|\n| <s> | start |\n| &amp; | `<b>` |"));
        QTextTable* table = firstTable(doc);
        QVERIFY2(table, "the table renders as a table");
        QCOMPARE(table->rows(), 3);
        QCOMPARE(cellText(table, 0, 0), "token");
        QCOMPARE(cellText(table, 1, 0), "<s>");
        QCOMPARE(cellText(table, 1, 1), "start");
        QCOMPARE(cellText(table, 2, 0), "&amp;");
        QCOMPARE(cellText(table, 2, 1), "<b>");
    }

    // In a table, the pipes of a Llama special token would split its cell and drop the row's end.
    void specialTokensStayInTheirCell()
    {
        QTextDocument doc;
        doc.setMarkdown(MarkdownProse::escapeForDisplay("| token | meaning |\n|---|---|\n"
                                                        "| <|eot_id|> | end of turn |\n"
                                                        "| a <|start_header_id|>b | `<|x|>` |"));
        QTextTable* table = firstTable(doc);
        QVERIFY2(table, "the table renders as a table");
        QCOMPARE(table->columns(), 2);
        QCOMPARE(cellText(table, 1, 0), "<|eot_id|>");
        QCOMPARE(cellText(table, 1, 1), "end of turn");
        QCOMPARE(cellText(table, 2, 0), "a <|start_header_id|>b");
        QCOMPARE(cellText(table, 2, 1), "<|x|>");
    }

    // An image would be fetched from its address as the reply is shown, and its words replaced by a
    // picture: it shows as a link instead, '!' and words visible.
    void imagesAreShownAsLinks_data()
    {
        QTest::addColumn<QString>("reply");
        QTest::addColumn<QString>("visible");
        QTest::newRow("image") << "see ![alt words](http://127.0.0.1:9/p.png?leak=1) end"
                               << "see !alt words end";
        QTest::newRow("two") << "![a](http://x/a.png) and ![b](http://x/b.png)"
                             << "!a and !b";
        QTest::newRow("after emphasis") << "**bold** ![x](http://x/x.png)"
                                        << "bold !x";
        // A link holds no link: the outer one shows as written.
        QTest::newRow("inside a link") << "[![badge](http://x/b.png)](https://example.org)"
                                       << "[!badge](https://example.org)";
        QTest::newRow("empty alt") << "before ![](http://x/e.png) after"
                                   << "before ! after";
        QTest::newRow("\"![\" in a link address") << "[l](http://x/![y) ![z](http://x/z.png)"
                                                  << "l !z";
        QTest::newRow("\"![\" in code first") << "`![no](u)` ![yes](http://x/y.png)"
                                              << "![no](u) !yes";
        QTest::newRow("reference") << "![ref][r]\n\n[r]: http://x/r.png"
                                   << "!ref";
    }

    void imagesAreShownAsLinks()
    {
        QFETCH(QString, reply);
        QFETCH(QString, visible);
        QTextDocument doc;
        QCOMPARE(shown(doc, reply), visible);
        for (QTextBlock block = doc.begin(); block.isValid(); block = block.next())
            for (auto it = block.begin(); !it.atEnd(); ++it)
                QVERIFY2(!it.fragment().charFormat().isImageFormat(), "no image is loaded");
    }

    // Escaping leaves real Markdown rendering as Markdown.
    void markdownStillRenders()
    {
        QTextDocument doc;
        QCOMPARE(shown(doc, "**bold** and *slanted* and `code`, see [Qt](https://www.qt.io)."),
            "bold and slanted and code, see Qt.");
        QCOMPARE(formatOf(doc, "bold").fontWeight(), int(QFont::Bold));
        QVERIFY(formatOf(doc, "slanted").fontItalic());
        QVERIFY(formatOf(doc, "code").fontFixedPitch());
        QCOMPARE(formatOf(doc, "Qt").anchorHref(), "https://www.qt.io");
        shown(doc, "an ![image](http://example.org/i.png) link");
        QCOMPARE(formatOf(doc, "image").anchorHref(), "http://example.org/i.png");

        QCOMPARE(shown(doc, "# Title\n\n- one\n- two <s>"), "Title\none\ntwo <s>");
        QCOMPARE(doc.begin().blockFormat().headingLevel(), 1);
        QVERIFY2(doc.findBlockByNumber(1).textList(), "a list item is in a list");
        QCOMPARE(doc.findBlockByNumber(2).textList(), doc.findBlockByNumber(1).textList());
    }

    // Plain prose (the common case) goes through untouched.
    void plainProseIsUnchanged()
    {
        const QString prose = "Use **bold**, `a < b`, 5 > 3 and AT&T.\n\n1. one\n2. two";
        QCOMPARE(MarkdownProse::escapeForDisplay(prose), prose);
    }

    // The message view gets both: the stored prose and the Markdown it is shown with.
    void segmentsCarryTheShownMarkdown()
    {
        const QVariantList segments = TextTools::segments("Say <s>\n```html\n<s> &amp;\n```\nand &amp;");
        QCOMPARE(segments.size(), 3);
        const QVariantMap first = segments[0].toMap();
        QCOMPARE(first["text"].toString(), "Say <s>");
        QCOMPARE(first["markdown"].toString(), "Say \\<s>");
        QCOMPARE(segments[1].toMap()["text"].toString(), "<s> &amp;"); // code: shown as plain text
        QCOMPARE(segments[2].toMap()["markdown"].toString(), "and \\&amp;");
    }

    void linksOpenOnlyForWebAndMail_data()
    {
        QTest::addColumn<QString>("link");
        QTest::addColumn<bool>("openable");
        QTest::newRow("https") << "https://example.org/a?b=1&c=2" << true;
        QTest::newRow("http") << "http://example.org" << true;
        QTest::newRow("upper-case scheme") << "HTTPS://EXAMPLE.ORG" << true;
        QTest::newRow("mailto") << "mailto:someone@example.org" << true;
        QTest::newRow("javascript") << "javascript:alert(1)" << false;
        QTest::newRow("mixed-case javascript") << "JaVaScRiPt:alert(1)" << false;
        QTest::newRow("file") << "file:///etc/passwd" << false;
        QTest::newRow("data") << "data:text/html,<script>alert(1)</script>" << false;
        QTest::newRow("vbscript") << "vbscript:msgbox" << false;
        QTest::newRow("relative") << "notes/readme.md" << false;
        QTest::newRow("empty") << "" << false;
    }

    void linksOpenOnlyForWebAndMail()
    {
        QFETCH(QString, link);
        QFETCH(bool, openable);
        QCOMPARE(MarkdownProse::isOpenableLink(QUrl(link)), openable);
    }
};

QTEST_MAIN(MarkdownProseTest)
#include "tst_markdownprose.moc"
