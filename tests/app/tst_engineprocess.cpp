// The engine process over real pipes (with the scripted FakeInference inside): every request,
// errors the user can read, cancel while streaming, malformed input, and a GUI that vanishes.
#include "protocol.h"

#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace hearth::protocol;

namespace {

// One engine child and the frames it sent, read as they arrive.
class Peer {
public:
    explicit Peer(int delayMs = 2)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HEARTH_FAKE_DELAY_MS", QString::number(delayMs));
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(HEARTH_FAKE_ENGINE, {});
    }
    ~Peer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
    }
    void send(const QJsonObject& m) { m_process.write(encodeFrame(m)); }
    void sendRaw(const QByteArray& bytes) { m_process.write(bytes); }
    // Waits for the next frame of the given type (earlier ones are kept in m_seen).
    QJsonObject waitFor(const QString& type, int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        for (;;) {
            for (qsizetype i = m_cursor; i < m_seen.size(); ++i) {
                if (m_seen[i].value("type").toString() == type) {
                    m_cursor = i + 1;
                    return m_seen[i];
                }
            }
            if (timer.elapsed() > timeoutMs || m_process.state() == QProcess::NotRunning) return {};
            m_process.waitForReadyRead(50);
            m_reader.append(m_process.readAllStandardOutput());
            while (auto m = m_reader.next())
                if (m->ok()) m_seen.append(m->value());
        }
    }
    QList<QJsonObject> seen() const { return m_seen; }
    QProcess& process() { return m_process; }

private:
    QProcess m_process;
    FrameReader m_reader;
    QList<QJsonObject> m_seen;
    qsizetype m_cursor = 0;
};

QJsonObject userTurn(const QString& id, const QString& text, int maxTokens)
{
    return { { "type", "generate" }, { "id", id }, { "maxTokens", maxTokens },
        { "messages", QJsonArray { QJsonObject { { "role", "user" }, { "content", text } } } } };
}

} // namespace

class EngineProcessTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath("fake.gguf");
        QFile f(m_model);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF....");
    }

    void helloThenDevices()
    {
        Peer peer;
        QCOMPARE(peer.waitFor("hello").value("version").toInt(), kVersion);
        peer.send({ { "type", "devices" } });
        const QJsonArray devices = peer.waitFor("devices").value("devices").toArray();
        QCOMPARE(devices.size(), 2);
        QCOMPARE(devices[0].toObject().value("kind").toString(), QString("cpu"));
    }

    void loadErrorsAreReadable_data()
    {
        QTest::addColumn<QString>("which");
        QTest::addColumn<QString>("code");
        QTest::newRow("missing") << "missing"
                                 << "FileNotFound";
        QTest::newRow("not gguf") << "text"
                                  << "BadFormat";
        QTest::newRow("no path") << ""
                                 << "InvalidArgument";
    }
    void loadErrorsAreReadable()
    {
        QFETCH(QString, which);
        QFETCH(QString, code);
        QString path;
        if (which == "missing") path = m_dir.filePath("nope.gguf");
        if (which == "text") {
            path = m_dir.filePath("notes.txt");
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("hello");
        }
        Peer peer;
        peer.send({ { "type", "load" }, { "path", path } });
        const QJsonObject e = peer.waitFor("error");
        QCOMPARE(e.value("code").toString(), code);
        QCOMPARE(e.value("request").toString(), QString("load"));
        QVERIFY(!e.value("message").toString().isEmpty());
    }

    void loadWithProgressThenGenerate()
    {
        Peer peer;
        peer.send({ { "type", "load" }, { "path", m_model }, { "context", 1024 }, { "backend", "cpu" } });
        QVERIFY(!peer.waitFor("progress").isEmpty());
        const QJsonObject info = peer.waitFor("loaded").value("info").toObject();
        QCOMPARE(info.value("contextLength").toInt(), 1024);
        QCOMPARE(info.value("name").toString(), QString("fake.gguf"));

        peer.send(userTurn("t1", "hi there", 5));
        QString text;
        for (int i = 0; i < 5; ++i) {
            const QJsonObject p = peer.waitFor("piece");
            QCOMPARE(p.value("id").toString(), QString("t1"));
            text += p.value("text").toString();
        }
        QCOMPARE(text, QString("Echo: hi there w1 w2 w3 w4"));
        const QJsonObject done = peer.waitFor("done");
        QCOMPARE(done.value("stats").toObject().value("generatedTokens").toInt(), 5);
        QCOMPARE(done.value("stats").toObject().value("stopReason").toString(), QString("maxTokens"));
    }

    // A background job (a document summary) is computed at nice 10, read back from the kernel by the
    // generating thread; a chat reply before and after it keeps the engine's normal priority.
    void backgroundGenerationRunsAtLowPriority()
    {
        Peer peer;
        peer.send({ { "type", "load" }, { "path", m_model } });
        QVERIFY(!peer.waitFor("loaded").isEmpty());
        const auto echoOf = [&](const QString& id, bool background) {
            QJsonObject request = userTurn(id, "nice?", 1);
            if (background) request.insert("background", true);
            peer.send(request);
            return peer.waitFor("piece").value("text").toString();
        };
        const QString normal = echoOf("chat", false);
        QVERIFY2(normal.startsWith("Echo: nice ") && normal != "Echo: nice 10", qPrintable(normal));
        QCOMPARE(echoOf("summary", true), QString("Echo: nice 10"));
        QCOMPARE(echoOf("chat again", false), normal);
    }

    // tuneKernels: tuning progress frames (stage "tuning") on a model's first load on the GPU, none
    // when the engine remembers the choice or when tuning is off.
    void tuningProgressIsAStageOfItsOwn()
    {
        Peer peer;
        const auto tuningFrames = [&](bool tune) {
            peer.send({ { "type", "load" }, { "path", m_model }, { "backend", "vulkan" }, { "context", 512 },
                { "tuneKernels", tune } });
            const QJsonObject loaded = peer.waitFor("loaded");
            if (loaded.isEmpty()) return -1;
            int frames = 0;
            for (const QJsonObject& m : peer.seen())
                if (m.value("type") == "progress" && m.value("stage") == "tuning") ++frames;
            return frames;
        };
        QCOMPARE(tuningFrames(false), 0);
        QCOMPARE(tuningFrames(true), 3);
        QCOMPARE(tuningFrames(true), 3); // no new frames: remembered
    }

    void failedLoadKeepsTheLoadedModel_data()
    {
        QTest::addColumn<QJsonObject>("second");
        QTest::addColumn<QString>("code");
        // A bad file is refused before the loaded model is let go; a GPU that cannot hold the new
        // model fails after it was (the fake drops it, as the real engine does), and the server loads
        // the old one again.
        QTest::newRow("missing file")
            << QJsonObject { { "path", "/nonexistent/other.gguf" } } << "FileNotFound";
        QTest::newRow("gpu out of memory")
            << QJsonObject { { "backend", "vulkan" }, { "context", 4096 } } << "OutOfMemory";
    }
    void failedLoadKeepsTheLoadedModel()
    {
        QFETCH(QJsonObject, second);
        QFETCH(QString, code);
        Peer peer;
        peer.send({ { "type", "load" }, { "path", m_model }, { "backend", "cpu" }, { "context", 256 } });
        QVERIFY(!peer.waitFor("loaded").isEmpty());
        QJsonObject load { { "type", "load" }, { "path", m_model } };
        for (auto it = second.begin(); it != second.end(); ++it)
            load.insert(it.key(), it.value());
        peer.send(load);
        const QJsonObject e = peer.waitFor("error");
        QCOMPARE(e.value("code").toString(), code);
        const QJsonObject kept = e.value("stillLoaded").toObject();
        QCOMPARE(kept.value("path").toString(), m_model);
        QCOMPARE(kept.value("backend").toString(), QString("cpu"));
        QCOMPARE(kept.value("contextLength").toInt(), 256);
        // And it answers.
        peer.send(userTurn("after", "still here", 3));
        QCOMPARE(peer.waitFor("done").value("id").toString(), QString("after"));
    }

    void failedFirstLoadLeavesNothing()
    {
        Peer peer;
        peer.send({ { "type", "load" }, { "path", m_dir.filePath("nope.gguf") } });
        const QJsonObject e = peer.waitFor("error");
        QCOMPARE(e.value("code").toString(), QString("FileNotFound"));
        QVERIFY(!e.contains("stillLoaded"));
    }

    // "Continue": continueLast extends the partial reply that ends the messages; without an assistant
    // message last it is refused with a readable error.
    void continueLastExtendsThePartialReply()
    {
        Peer peer;
        peer.send({ { "type", "load" }, { "path", m_model } });
        QVERIFY(!peer.waitFor("loaded").isEmpty());
        const QJsonArray partial { QJsonObject { { "role", "user" }, { "content", "tell me" } },
            QJsonObject { { "role", "assistant" }, { "content", "Echo: tell me w1" } } };
        peer.send({ { "type", "generate" }, { "id", "c1" }, { "maxTokens", 3 }, { "messages", partial },
            { "continueLast", true } });
        QString text;
        for (int i = 0; i < 3; ++i)
            text += peer.waitFor("piece").value("text").toString();
        QCOMPARE(text, QString(" c1 c2 c3"));
        QCOMPARE(peer.waitFor("done").value("id").toString(), QString("c1"));

        QJsonObject wrong = userTurn("c2", "hi", 3);
        wrong.insert("continueLast", true);
        peer.send(wrong);
        const QJsonObject e = peer.waitFor("error");
        QCOMPARE(e.value("id").toString(), QString("c2"));
        QCOMPARE(e.value("code").toString(), QString("InvalidArgument"));
        QVERIFY(e.value("message").toString().contains("continueLast"));
    }

    void generateWithoutModelIsAnError()
    {
        Peer peer;
        peer.send(userTurn("t1", "hi", 3));
        const QJsonObject e = peer.waitFor("error");
        QCOMPARE(e.value("code").toString(), QString("NotLoaded"));
        QCOMPARE(e.value("id").toString(), QString("t1"));
    }

    void cancelWhileStreaming()
    {
        // 20 ms per piece, 10,000 pieces: only a cancel read during generation can end it quickly.
        Peer peer(20);
        peer.send({ { "type", "load" }, { "path", m_model } });
        QVERIFY(!peer.waitFor("loaded").isEmpty());
        peer.send(userTurn("long", "go", 10000));
        QVERIFY(!peer.waitFor("piece").isEmpty());
        peer.send({ { "type", "cancel" }, { "id", "long" } });
        const QJsonObject done = peer.waitFor("done", 3000);
        QCOMPARE(done.value("stats").toObject().value("stopReason").toString(), QString("cancelled"));
        // A queued request cancelled before it starts ends at once; the next one still works.
        peer.send({ { "type", "cancel" }, { "id", "later" } });
        peer.send(userTurn("later", "x", 50));
        QCOMPARE(peer.waitFor("done").value("id").toString(), QString("later"));
        peer.send(userTurn("after", "y", 2));
        QCOMPARE(peer.waitFor("done").value("id").toString(), QString("after"));
    }

    void faultBecomesErrorFrame()
    {
        Peer peer;
        peer.send({ { "type", "load" }, { "path", m_model } });
        QVERIFY(!peer.waitFor("loaded").isEmpty());
        peer.send(userTurn("g", "device lost", 5));
        const QJsonObject e = peer.waitFor("error");
        QCOMPARE(e.value("code").toString(), QString("DeviceLost"));
        QCOMPARE(e.value("id").toString(), QString("g"));
    }

    void malformedInputIsAnsweredAndSurvived()
    {
        Peer peer;
        QVERIFY(!peer.waitFor("hello").isEmpty());
        QByteArray bad("{oops");
        QByteArray len(4, '\0');
        len[0] = char(bad.size());
        peer.sendRaw(len + bad);
        QCOMPARE(peer.waitFor("error").value("code").toString(), QString("Protocol"));
        peer.send({ { "type", "launch-missiles" } });
        QVERIFY(peer.waitFor("error").value("message").toString().contains("launch-missiles"));
        peer.send({ { "type", "devices" } });
        QVERIFY(!peer.waitFor("devices").isEmpty());
    }

    void oversizedFrameEndsTheSession()
    {
        Peer peer;
        QVERIFY(!peer.waitFor("hello").isEmpty());
        peer.sendRaw(QByteArray("\xff\xff\xff\x7f", 4));
        QCOMPARE(peer.waitFor("error").value("code").toString(), QString("Protocol"));
        QVERIFY(peer.process().waitForFinished(3000));
        QCOMPARE(peer.process().exitCode(), 2);
    }

    void peerVanishesMidFrame()
    {
        // The GUI dies after half a frame while a reply streams: the engine must end by itself.
        Peer peer(20);
        peer.send({ { "type", "load" }, { "path", m_model } });
        QVERIFY(!peer.waitFor("loaded").isEmpty());
        peer.send(userTurn("long", "go", 10000));
        QVERIFY(!peer.waitFor("piece").isEmpty());
        const QByteArray frame = encodeFrame({ { "type", "devices" } });
        peer.sendRaw(frame.left(frame.size() / 2));
        peer.process().waitForBytesWritten(1000);
        peer.process().closeWriteChannel();
        QVERIFY(peer.process().waitForFinished(3000));
        QCOMPARE(peer.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(peer.process().exitCode(), 0);
        QVERIFY(peer.process().readAllStandardError().contains("inside a frame"));
    }
};

QTEST_GUILESS_MAIN(EngineProcessTest)
#include "tst_engineprocess.moc"
