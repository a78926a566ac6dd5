// Chunking: every part fits the budget, every piece of every paragraph appears exactly once outside the
// overlaps, overlaps repeat the previous part's tail, order is kept, and split paragraphs rejoin.
#include "chunker.h"

#include <QRandomGenerator>
#include <QTest>
#include <functional>
#include <string>

using namespace hearth::documents;

Q_DECLARE_METATYPE(hearth::documents::CountTokens)

namespace {

// Two stand-ins for a tokenizer: one token per word (plus one per punctuation mark), and one token per
// four bytes. The chunker must hold its promises with any monotone counter.
uint32_t wordTokens(std::string_view text)
{
    uint32_t count = 0;
    bool inWord = false;
    for (char c : text) {
        if (c == '.' || c == ',' || c == '!' || c == '?') {
            ++count;
            inWord = false;
        } else if (c == ' ' || c == '\n') {
            inWord = false;
        } else if (!inWord) {
            ++count;
            inWord = true;
        }
    }
    return count;
}

uint32_t byteTokens(std::string_view text)
{
    return static_cast<uint32_t>((text.size() + 3) / 4);
}

// Words joined by single spaces, as the extractors produce paragraphs.
std::string words(std::string_view text)
{
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '\n') {
            if (!out.empty() && out.back() != ' ') out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

// A document with short, medium, long (multi-sentence, over budget) paragraphs and one giant "word".
std::vector<Paragraph> makeDocument(quint32 seed)
{
    QRandomGenerator random(seed);
    std::vector<Paragraph> paragraphs;
    int wordNumber = 0;
    for (int p = 0; p < 60; ++p) {
        const int sentences = p % 17 == 5 ? 40 : 1 + int(random.bounded(6));
        std::string text;
        for (int s = 0; s < sentences; ++s) {
            const int length = 3 + int(random.bounded(14));
            for (int w = 0; w < length; ++w) {
                if (!text.empty()) text.push_back(' ');
                text += "w" + std::to_string(wordNumber++);
            }
            text.push_back(s % 3 == 2 ? '?' : '.');
        }
        if (p == 23) text += " " + std::string(900, 'x'); // e.g. a pasted hash: longer than any budget here
        paragraphs.push_back(Paragraph { text, 1 + p / 10 });
    }
    return paragraphs;
}

} // namespace

class ChunkerTest : public QObject {
    Q_OBJECT

private slots:
    void invariants_data()
    {
        QTest::addColumn<CountTokens>("count");
        QTest::addColumn<uint>("budget");
        QTest::addColumn<uint>("overlap");
        for (uint budget : { 40u, 100u, 333u })
            for (uint overlap : { 0u, 16u }) {
                QTest::addRow("words/%u/%u", budget, overlap) << CountTokens(wordTokens) << budget << overlap;
                QTest::addRow("bytes/%u/%u", budget, overlap) << CountTokens(byteTokens) << budget << overlap;
            }
    }

    void invariants()
    {
        QFETCH(CountTokens, count);
        QFETCH(uint, budget);
        QFETCH(uint, overlap);
        const std::vector<Paragraph> paragraphs = makeDocument(budget * 7 + overlap);
        auto result = chunkParagraphs(paragraphs, ChunkOptions { budget, overlap }, count);
        QVERIFY(result.ok());
        const std::vector<Chunk>& chunks = *result;
        QVERIFY(chunks.size() > 1);

        std::vector<Piece> fresh; // pieces outside the overlaps, in order
        for (size_t c = 0; c < chunks.size(); ++c) {
            const Chunk& chunk = chunks[c];
            // Every part fits the budget (counted on the real joined text) and reports its count.
            QVERIFY2(count(chunk.text()) <= budget,
                qPrintable(QStringLiteral("chunk %1: %2 > %3").arg(c).arg(count(chunk.text())).arg(budget)));
            QCOMPARE(chunk.tokens, count(chunk.text()));
            QVERIFY(chunk.pieces.size() > chunk.overlapPieces);
            // The overlap is the tail of the previous chunk, and within the overlap allowance.
            if (chunk.overlapPieces > 0) {
                QVERIFY(c > 0);
                const auto& previous = chunks[c - 1].pieces;
                QVERIFY(previous.size() >= chunk.overlapPieces);
                uint32_t overlapTokens = 0;
                for (size_t k = 0; k < chunk.overlapPieces; ++k) {
                    const Piece& mine = chunk.pieces[k];
                    const Piece& theirs = previous[previous.size() - chunk.overlapPieces + k];
                    QCOMPARE(mine.paragraph, theirs.paragraph);
                    QCOMPARE(mine.part, theirs.part);
                    QCOMPARE(mine.text, theirs.text);
                    overlapTokens += mine.tokens;
                }
                QVERIFY(overlapTokens <= overlap);
            }
            fresh.insert(fresh.end(), chunk.pieces.begin() + long(chunk.overlapPieces), chunk.pieces.end());
        }
        if (overlap == 0)
            for (const Chunk& chunk : chunks)
                QCOMPARE(chunk.overlapPieces, size_t(0));

        // Order kept, nothing lost or duplicated: the fresh pieces walk every paragraph in order, each
        // paragraph's pieces numbered 0, 1, ... and rejoining to the paragraph's words.
        size_t at = 0;
        for (size_t p = 0; p < paragraphs.size(); ++p) {
            std::string rejoined;
            size_t part = 0;
            while (at < fresh.size() && fresh[at].paragraph == p) {
                QCOMPARE(fresh[at].part, part++);
                QCOMPARE(fresh[at].page, paragraphs[p].page);
                QVERIFY(count(fresh[at].text) <= budget);
                rejoined += (rejoined.empty() || fresh[at].glued ? "" : " ") + fresh[at].text;
                ++at;
            }
            QVERIFY2(part > 0, qPrintable(QStringLiteral("paragraph %1 lost").arg(p)));
            QCOMPARE(words(rejoined), words(paragraphs[p].text));
        }
        QCOMPARE(at, fresh.size());
    }

    void smallDocumentIsOneChunk()
    {
        const std::vector<Paragraph> paragraphs = { { "One short paragraph.", 1 }, { "And another.", 2 } };
        auto chunks = chunkParagraphs(paragraphs, ChunkOptions { 100, 10 }, wordTokens);
        QVERIFY(chunks.ok());
        QCOMPARE(chunks->size(), size_t(1));
        QCOMPARE((*chunks)[0].text(), std::string("One short paragraph.\n\nAnd another."));
        QCOMPARE((*chunks)[0].firstPage(), 1);
        QCOMPARE((*chunks)[0].lastPage(), 2);
    }

    void emptyAndInvalid()
    {
        auto none = chunkParagraphs({}, ChunkOptions { 100, 10 }, wordTokens);
        QVERIFY(none.ok());
        QVERIFY(none->empty());
        QVERIFY(!chunkParagraphs({ { "x", 0 } }, ChunkOptions { 0, 0 }, wordTokens).ok());
        QVERIFY(!chunkParagraphs({ { "x", 0 } }, ChunkOptions { 10, 0 }, CountTokens()).ok());
    }

    void utf8NeverCut()
    {
        // One long "word" of 2-byte characters with a byte counter: cuts fall between characters.
        std::string word;
        for (int i = 0; i < 300; ++i)
            word += "\xC3\xA9";
        auto chunks = chunkParagraphs({ { word, 0 } }, ChunkOptions { 25, 0 }, byteTokens);
        QVERIFY(chunks.ok());
        std::string rejoined;
        for (const Chunk& chunk : *chunks) {
            const std::string text = chunk.text();
            QVERIFY(QString::fromUtf8(text.data(), qsizetype(text.size())).toUtf8().toStdString() == text);
            QVERIFY(byteTokens(text) <= 25);
            rejoined += text;
        }
        QCOMPARE(rejoined, word);
    }
};

QTEST_GUILESS_MAIN(ChunkerTest)
#include "test_chunker.moc"
