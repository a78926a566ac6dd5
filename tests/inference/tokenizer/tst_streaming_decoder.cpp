// StreamingDecoder: only complete UTF-8 characters come out, whatever the token boundaries.
#include "tokenizer/streaming_decoder.h"

#include <QtTest>

using namespace hearth;

class TestStreamingDecoder : public QObject {
    Q_OBJECT

private slots:
    void byteByByte()
    {
        // "café 🙂 日本" fed one byte at a time, as byte-fallback tokens arrive.
        const std::string text = "caf\xC3\xA9 \xF0\x9F\x99\x82 \xE6\x97\xA5\xE6\x9C\xAC";
        StreamingDecoder decoder;
        std::string out;
        for (char c : text) {
            const std::string piece = decoder.push(std::string_view(&c, 1));
            // Each piece is valid UTF-8 on its own.
            QVERIFY(QString::fromUtf8(piece.data(), qsizetype(piece.size())).toUtf8()
                == QByteArray::fromStdString(piece));
            out += piece;
        }
        out += decoder.flush();
        QCOMPARE(out, text);
    }

    void holdsBackPartialCharacter()
    {
        StreamingDecoder decoder;
        QCOMPARE(decoder.push("ab\xF0\x9F"), std::string("ab"));
        QCOMPARE(decoder.push("\x99"), std::string());
        QCOMPARE(decoder.push("\x82!"), std::string("\xF0\x9F\x99\x82!"));
    }

    void brokenSequencesBecomeReplacement()
    {
        StreamingDecoder decoder;
        // A lead byte followed by ASCII, a stray continuation byte, then an unfinished tail at the end.
        std::string out = decoder.push("\xC3"
                                       "A\x80"
                                       "b\xE6\x97");
        out += decoder.flush();
        QCOMPARE(out,
            std::string("\xEF\xBF\xBD"
                        "A\xEF\xBF\xBD"
                        "b\xEF\xBF\xBD"));
    }
};

QTEST_APPLESS_MAIN(TestStreamingDecoder)
#include "tst_streaming_decoder.moc"
