// Passages for follow-up questions: they cover the document once, in order, each within its budget,
// with offsets that point at their text; the context keeps the best passages that fit, in document order.
#include "passages.h"

#include <QTest>

using namespace hearth::documents;

namespace {

uint32_t wordTokens(std::string_view text)
{
    uint32_t count = 0;
    bool inWord = false;
    for (char c : text) {
        const bool space = c == ' ' || c == '\n';
        if (!space && !inWord) ++count;
        inWord = !space;
    }
    return count;
}

Document makeDocument()
{
    Document document;
    document.title = "Field Notes";
    for (int p = 0; p < 40; ++p) {
        std::string text;
        const int sentences = p == 7 ? 30 : 1 + p % 4; // paragraph 7 is longer than a passage
        for (int s = 0; s < sentences; ++s)
            text += (s ? " " : "") + std::string("Paragraph ") + std::to_string(p) + " sentence "
                + std::to_string(s) + " says something.";
        document.paragraphs.push_back(Paragraph { text, 1 + p / 8 });
    }
    return document;
}

} // namespace

class PassagesTest : public QObject {
    Q_OBJECT

private slots:
    void coverDocumentOnce()
    {
        const Document document = makeDocument();
        const std::string joined = document.joinedText();
        const auto passages = makePassages(document, wordTokens, 60);
        QVERIFY(passages.size() > 5);
        std::string words;
        int64_t lastOffset = -1;
        for (const PassageText& passage : passages) {
            QVERIFY(wordTokens(passage.text) <= 60);
            QVERIFY(passage.offset > lastOffset);
            lastOffset = passage.offset;
            // The offset points at the passage's first words in the stored text.
            const std::string head = passage.text.substr(0, std::min<size_t>(passage.text.size(), 30));
            QCOMPARE(joined.substr(size_t(passage.offset), head.size()), head);
            QVERIFY(passage.page >= 1);
            words += (words.empty() ? "" : " ") + passage.text;
        }
        // Nothing lost or repeated: the words of all passages are the document's words.
        auto normalize = [](std::string s) {
            std::replace(s.begin(), s.end(), '\n', ' ');
            s.erase(std::unique(s.begin(), s.end(), [](char a, char b) { return a == ' ' && b == ' '; }),
                s.end());
            return s;
        };
        QCOMPARE(normalize(words), normalize(joined));
    }

    void contextKeepsBestThatFitInDocumentOrder()
    {
        std::string huge = "huge";
        for (int i = 0; i < 100; ++i)
            huge += " word";
        std::vector<PassageText> best = { { "third passage text here", 300, 3 }, { "first passage", 10, 1 },
            { huge, 100, 2 }, { "second one", 200, 2 } };
        const std::string context = followUpContext("Field Notes", best, wordTokens, 40);
        QVERIFY(context.starts_with("The user is asking about the document \"Field Notes\""));
        // The huge passage does not fit; the others appear ordered by offset.
        QVERIFY(context.find("huge") == std::string::npos);
        const size_t first = context.find("[page 1] first passage");
        const size_t second = context.find("[page 2] second one");
        const size_t third = context.find("[page 3] third passage");
        QVERIFY(first != std::string::npos && second != std::string::npos && third != std::string::npos);
        QVERIFY(first < second && second < third);
        QVERIFY(followUpContext("T", {}, wordTokens, 40).find("No passage") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(PassagesTest)
#include "test_passages.moc"
