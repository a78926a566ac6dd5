// The app's document flow offscreen, with the real engine process and the bundled model: summarize a
// multi-part document through DocumentController (progress reported, the engine reached through
// EngineClient), and check what is stored — a new conversation holding the request, the summary, and
// the document with its passages, searchable for follow-up questions. Then cancel keeps what was done.
#include "chatstore.h"
#include "documentcontext.h"
#include "documentcontroller.h"
#include "engineclient.h"
#include "storage/conversations.h"
#include "storage/database.h"
#include "storage/documents.h"
#include "storage/messages.h"

#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace hearth;

namespace {

const QString kEngine = QStringLiteral(HEARTH_ENGINE_PATH);
const QString kModel = QStringLiteral(HEARTH_SOURCE_DIR "/resources/models/stories260K.gguf");

QByteArray storyText(int paragraphs)
{
    const char* names[] = { "Lily", "Tom", "Sam", "Mia", "Ben" };
    const char* things[] = { "ball", "lighthouse", "tree", "boat", "cake", "dog", "park" };
    QByteArray text;
    for (int p = 0; p < paragraphs; ++p) {
        for (int s = 0; s < 4; ++s)
            text += QByteArray(names[(p + s) % 5]) + " saw a big " + things[(p * 3 + s) % 7]
                + " and was very happy. ";
        text += "\n\n";
    }
    return text;
}

} // namespace

class DocumentControllerTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    ChatStore* m_store = nullptr;
    EngineClient* m_engine = nullptr;
    DocumentController* m_documents = nullptr;

    QString writeFile(const QString& name, const QByteArray& bytes)
    {
        QFile file(m_dir.filePath(name));
        file.open(QIODevice::WriteOnly);
        file.write(bytes);
        return file.fileName();
    }

private slots:
    void initTestCase()
    {
        m_store = new ChatStore(this);
        m_store->setPath(m_dir.filePath("hearth.db"));
        QTRY_VERIFY_WITH_TIMEOUT(m_store->ready(), 10000);
        m_engine = new EngineClient(this);
        m_engine->setProgram(kEngine);
        QSignalSpy loaded(m_engine, &EngineClient::modelLoaded);
        m_engine->start();
        m_engine->load({ .path = kModel, .backend = QStringLiteral("cpu"), .context = 512 });
        QVERIFY(loaded.wait(30000));
        m_documents = new DocumentController(this);
        m_documents->setStore(m_store);
        m_documents->setEngine(m_engine);
        m_documents->setContextLength(512);
    }

    void summarizeIntoNewConversation()
    {
        const QString file = writeFile("story.txt", storyText(10));
        QSignalSpy finished(m_documents, &DocumentController::finished);
        QSignalSpy progress(m_documents, &DocumentController::progressChanged);
        QStringList statuses;
        QObject scope; // the connection ends with this test (it captures locals)
        connect(m_documents, &DocumentController::progressChanged, &scope,
            [&] { statuses << m_documents->status(); });
        QVERIFY(m_documents->summarize(QUrl::fromLocalFile(file).toString(), QStringLiteral("short")));
        QVERIFY(m_documents->busy());
        QVERIFY(finished.wait(120000));
        QVERIFY2(m_documents->error().isEmpty(), qPrintable(m_documents->error()));
        QVERIFY(!m_documents->busy());
        const qint64 conversationId = finished.at(0).at(0).toLongLong();
        QVERIFY(conversationId > 0);
        QCOMPARE(finished.at(0).at(1).toBool(), false);
        QVERIFY(statuses.join('|').contains("Part 2 of "));
        QVERIFY(statuses.join('|').contains("Combining 1 of 1"));

        // What the store holds: the conversation, request + summary, the document and its passages.
        m_store->waitForIdle();
        auto opened = storage::Database::open(m_dir.filePath("hearth.db").toStdString());
        QVERIFY(opened.ok());
        storage::Database& db = *opened;
        auto conversation = storage::Conversations(db).get(conversationId);
        QVERIFY(conversation.ok());
        QVERIFY(conversation->title.starts_with("Summary: story"));
        auto thread = storage::Messages(db).thread(conversationId);
        QVERIFY(thread.ok());
        QCOMPARE(thread->size(), size_t(2));
        QCOMPARE((*thread)[0].text, std::string("Summarize story.txt."));
        QVERIFY(!(*thread)[1].text.empty());
        QCOMPARE((*thread)[1].status, storage::MessageStatus::Complete);
        auto attached = storage::Documents(db).list(conversationId, true);
        QVERIFY(attached.ok());
        QCOMPARE(attached->size(), size_t(1));
        QVERIFY((*attached)[0].text.find("lighthouse") != std::string::npos);
        QVERIFY((*attached)[0].passageCount > 1);
        QCOMPARE((*attached)[0].checksum.size(), size_t(64));
        // A follow-up question gets the matching passages as context.
        const std::string context = documentContextFor(db, conversationId, "what about the lighthouse?", 400);
        QVERIFY(context.starts_with("The user is asking about the document \"story.txt\""));
        QVERIFY(context.find("lighthouse") != std::string::npos);
        QVERIFY(documentContextFor(db, conversationId + 1000, "lighthouse").empty());
    }

    void cancelKeepsWhatWasDone()
    {
        const QString file = writeFile("long.txt", storyText(120));
        QSignalSpy finished(m_documents, &DocumentController::finished);
        QVERIFY(m_documents->summarize(file, QStringLiteral("short")));
        // Cancel once the first part has finished.
        QTRY_VERIFY_WITH_TIMEOUT(m_documents->fraction() > 0, 60000);
        m_documents->cancel();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.at(0).at(1).toBool(), true);
        const qint64 conversationId = finished.at(0).at(0).toLongLong();
        QVERIFY(conversationId > 0);
        m_store->waitForIdle();
        auto opened = storage::Database::open(m_dir.filePath("hearth.db").toStdString());
        QVERIFY(opened.ok());
        storage::Database& db = *opened;
        auto thread = storage::Messages(db).thread(conversationId);
        QVERIFY(thread.ok() && thread->size() == 2);
        QCOMPARE((*thread)[1].status, storage::MessageStatus::Interrupted);
        QVERIFY((*thread)[1].text.find("Stopped before the end: this covers parts 1–") != std::string::npos);
    }

    void badDocumentReportsError()
    {
        QSignalSpy failed(m_documents, &DocumentController::failed);
        QVERIFY(m_documents->summarize(writeFile("empty.md", {}), QStringLiteral("short")));
        QVERIFY(failed.wait(10000));
        QCOMPARE(m_documents->error(), QStringLiteral("the file is empty"));
        QVERIFY(!m_documents->summarize(writeFile("x.txt", "x"), QStringLiteral("huge")));
    }
};

int main(int argc, char** argv)
{
    QGuiApplication app(argc, argv);
    DocumentControllerTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_document_controller.moc"
