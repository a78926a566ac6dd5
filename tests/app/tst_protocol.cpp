// The framed protocol on its own: round trips, malformed frames, a peer that vanishes mid-frame.
#include "protocol.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace hearth::protocol;

class ProtocolTest : public QObject {
    Q_OBJECT

private:
    static QByteArray rawFrame(const QByteArray& body, uint32_t length)
    {
        QByteArray f(4, '\0');
        for (int i = 0; i < 4; ++i)
            f[i] = char((length >> (8 * i)) & 0xff);
        return f + body;
    }
    static QByteArray rawFrame(const QByteArray& body) { return rawFrame(body, uint32_t(body.size())); }

private slots:
    void roundTripByteByByte()
    {
        // Three messages, fed one byte at a time: the reader must reassemble each exactly.
        const QList<QJsonObject> messages = { { { "type", "load" }, { "path", "/m/ü.gguf" },
                                                  { "context", 2048 } },
            { { "type", "piece" }, { "id", "r1" }, { "text", QString::fromUtf8("héllo 🌍\n") } },
            { { "type", "generate" }, { "id", "r2" },
                { "messages", QJsonArray { QJsonObject { { "role", "user" }, { "content", "hi" } } } } } };
        QByteArray stream;
        for (const QJsonObject& m : messages)
            stream += encodeFrame(m);
        FrameReader reader;
        QList<QJsonObject> decoded;
        for (char c : stream) {
            reader.append(QByteArray(1, c));
            while (auto m = reader.next()) {
                QVERIFY(m->ok());
                decoded.append(m->value());
            }
        }
        QCOMPARE(decoded, messages);
        QCOMPARE(reader.pendingBytes(), 0);
    }

    void lengthIsLittleEndian()
    {
        const QByteArray f = encodeFrame({ { "type", "hello" } });
        const uint32_t body = uint32_t(f.size() - 4);
        QCOMPARE(uint8_t(f[0]), uint8_t(body & 0xff));
        QCOMPARE(uint8_t(f[3]), uint8_t(0));
    }

    void malformedBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not json") << QByteArray("{type: nope");
        QTest::newRow("array") << QByteArray("[1,2]");
        QTest::newRow("no type") << QByteArray("{\"id\":\"x\"}");
        QTest::newRow("type not string") << QByteArray("{\"type\":3}");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("invalid utf8 json") << QByteArray("\xff\xfe{}");
    }
    void malformedBodies()
    {
        // A malformed body is reported, and the frame after it still decodes: lengths resync us.
        QFETCH(QByteArray, body);
        FrameReader reader;
        reader.append(rawFrame(body) + encodeFrame({ { "type", "devices" } }));
        auto bad = reader.next();
        QVERIFY(bad.has_value());
        QVERIFY(!bad->ok());
        QVERIFY(!bad->error().message.empty());
        auto good = reader.next();
        QVERIFY(good.has_value() && good->ok());
        QCOMPARE(good->value().value("type").toString(), QString("devices"));
        QVERIFY(!reader.broken());
    }

    void oversizedLengthBreaksTheStream()
    {
        FrameReader reader;
        reader.append(rawFrame("{}", kMaxFrameBytes + 1));
        auto m = reader.next();
        QVERIFY(m.has_value() && !m->ok());
        QVERIFY(reader.broken());
        QVERIFY(QString::fromStdString(m->error().message).contains("exceeds"));
        // Nothing after an unskippable frame is trusted.
        reader.append(encodeFrame({ { "type", "devices" } }));
        auto after = reader.next();
        QVERIFY(after.has_value() && !after->ok());
    }

    void hugeLengthDoesNotAllocate()
    {
        FrameReader reader;
        reader.append(rawFrame({}, 0xffffffffu));
        auto m = reader.next();
        QVERIFY(m.has_value() && !m->ok());
    }

    void encodeRefusesOversizedMessages()
    {
        const QString big(int(kMaxFrameBytes), QChar('a'));
        QVERIFY(encodeFrame({ { "type", "piece" }, { "text", big } }).isEmpty());
    }

    void peerVanishesMidFrame()
    {
        // Half a length prefix, then half a body: no message, bytes reported pending.
        const QByteArray frame = encodeFrame({ { "type", "piece" }, { "id", "a" }, { "text", "partial" } });
        FrameReader reader;
        reader.append(frame.left(2));
        QVERIFY(!reader.next().has_value());
        reader.append(frame.mid(2, 6));
        QVERIFY(!reader.next().has_value());
        QCOMPARE(reader.pendingBytes(), 8);
        QVERIFY(!reader.broken());
    }

    void typeDirections()
    {
        QVERIFY(isRequestType("generate"));
        QVERIFY(!isRequestType("piece"));
        QVERIFY(isReplyType("piece"));
        QVERIFY(!isReplyType("launch"));
        const QJsonObject e = errorMessage("BadFormat", "not a GGUF file", "r1", "load");
        QCOMPARE(e.value("type").toString(), QString("error"));
        QCOMPARE(e.value("id").toString(), QString("r1"));
    }
};

QTEST_GUILESS_MAIN(ProtocolTest)
#include "tst_protocol.moc"
