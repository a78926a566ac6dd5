// Export to Markdown and JSON; JSON import gives the same conversation back (alternatives, statuses,
// counts, settings, documents and passages), with new ids.
#include "storage/conversations.h"
#include "storage/documents.h"
#include "storage/export.h"
#include "storage/messages.h"
#include "tempdb.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace hearth;
using namespace hearth::storage;
using namespace hearth::storage::test;

namespace {

void must(const Status& status)
{
    if (!status.ok()) qFatal("%s", status.error().message.c_str());
}

// A conversation with a regenerated answer, an edited question, a failed reply and a document.
std::int64_t buildConversation(Database& db)
{
    std::int64_t c
        = Conversations(db)
              .create("Trip to Norway", { "tiny.gguf", "Be concise.", R"({"temperature":0.5,"top_k":40})" })
              ->id;
    Messages m(db);
    std::int64_t q1 = m.appendUser(c, "Plan a trip to the fjords.")->id;
    std::int64_t a1 = m.beginAssistant(c, q1)->id;
    FinishInfo info;
    info.text = "Day 1: Bergen.";
    info.promptTokens = 20;
    info.completionTokens = 5;
    info.tokensPerSecond = 31.25;
    must(m.finish(a1, info));
    std::int64_t a2 = m.beginAssistant(c, q1)->id;
    info.text = "Day 1: Oslo, then the train to Bergen.\n\n- pack a raincoat";
    must(m.finish(a2, info));
    std::int64_t q2 = m.appendUser(c, "And in winter?")->id;
    std::int64_t a3 = m.beginAssistant(c, q2)->id;
    FinishInfo failed;
    failed.status = MessageStatus::Failed;
    failed.text = "In win";
    failed.error = "engine stopped";
    must(m.finish(a3, failed));
    std::int64_t q2b = m.editResend(q2, "And in summer?")->id;
    std::int64_t a4 = m.beginAssistant(c, q2b)->id;
    must(m.checkpoint(a4, "Midnight sun")); // left streaming: exported as is, imported as interrupted
    Documents d(db);
    std::int64_t doc = d.addDocument(c, "/tmp/guide.txt", "sha-1", "Fjord guide. Ferries run daily.")->id;
    must(d.addPassages(doc, { { "Fjord guide.", 0 }, { "Ferries run daily.", 13 } }));
    return c;
}

} // namespace

class ExportTest : public QObject {
    Q_OBJECT

private slots:
    void jsonRoundTrip()
    {
        TempDb temp;
        Database db = temp.open();
        std::int64_t original = buildConversation(db);
        Result<std::string> json = exportJson(db, original);
        QVERIFY2(json.ok(), json.ok() ? "" : json.error().message.c_str());

        Result<Conversation> imported = importJson(db, *json);
        QVERIFY2(imported.ok(), imported.ok() ? "" : imported.error().message.c_str());
        QVERIFY(imported->id != original);
        Conversation a = *Conversations(db).get(original);
        Conversation b = *imported;
        QCOMPARE(b.title, a.title);
        QCOMPARE(b.createdAt, a.createdAt);
        QCOMPARE(b.settings.model, a.settings.model);
        QCOMPARE(b.settings.systemPrompt, a.settings.systemPrompt);
        QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(b.settings.samplingJson)).object(),
            QJsonDocument::fromJson(QByteArray::fromStdString(a.settings.samplingJson)).object());

        // Same messages in the same tree: compare field by field, parents through their positions.
        std::vector<Message> ma = *Messages(db).all(original);
        std::vector<Message> mb = *Messages(db).all(b.id);
        QCOMPARE(mb.size(), ma.size());
        auto position = [](const std::vector<Message>& list, std::int64_t id) {
            for (size_t i = 0; i < list.size(); ++i)
                if (list[i].id == id) return int(i);
            return -1;
        };
        for (size_t i = 0; i < ma.size(); ++i) {
            QCOMPARE(mb[i].role, ma[i].role);
            QCOMPARE(mb[i].text, ma[i].text);
            MessageStatus expected
                = ma[i].status == MessageStatus::Streaming ? MessageStatus::Interrupted : ma[i].status;
            QCOMPARE(mb[i].status, expected);
            QCOMPARE(mb[i].createdAt, ma[i].createdAt);
            QCOMPARE(mb[i].promptTokens, ma[i].promptTokens);
            QCOMPARE(mb[i].completionTokens, ma[i].completionTokens);
            QCOMPARE(mb[i].tokensPerSecond, ma[i].tokensPerSecond);
            QCOMPARE(mb[i].error, ma[i].error);
            QCOMPARE(position(mb, mb[i].parentId), position(ma, ma[i].parentId));
        }
        QCOMPARE(position(mb, b.currentLeafId), position(ma, a.currentLeafId));

        // The thread shown, with its ‹n/m› counters, is the same.
        std::vector<Message> ta = *Messages(db).thread(original);
        std::vector<Message> tb = *Messages(db).thread(b.id);
        QCOMPARE(tb.size(), ta.size());
        for (size_t i = 0; i < ta.size(); ++i) {
            QCOMPARE(tb[i].text, ta[i].text);
            QCOMPARE(tb[i].siblingIndex, ta[i].siblingIndex);
            QCOMPARE(tb[i].siblingCount, ta[i].siblingCount);
        }

        // Documents and passages come along (and are searchable in the new conversation).
        std::vector<Document> docs = *Documents(db).list(b.id, true);
        QCOMPARE(docs.size(), size_t(1));
        QCOMPARE(docs[0].path, std::string("/tmp/guide.txt"));
        QCOMPARE(docs[0].checksum, std::string("sha-1"));
        QCOMPARE(docs[0].text, std::string("Fjord guide. Ferries run daily."));
        QCOMPARE(docs[0].passageCount, 2);
        QCOMPARE(
            Documents(db).searchPassages(PassageScope::conversation(b.id), "ferries", 5)->size(), size_t(1));

        // Exporting the import again gives the same file but for ids, the streaming→interrupted
        // status and the leaf id: compare after the same normalisation on both sides.
        QJsonObject again
            = QJsonDocument::fromJson(QByteArray::fromStdString(*exportJson(db, b.id))).object();
        QJsonObject first = QJsonDocument::fromJson(QByteArray::fromStdString(*json)).object();
        QCOMPARE(again.value("documents"), first.value("documents"));
        QCOMPARE(again.value("messages").toArray().size(), first.value("messages").toArray().size());
    }

    void markdownShowsTheThread()
    {
        TempDb temp;
        Database db = temp.open();
        std::int64_t c = buildConversation(db);
        Result<std::string> md = exportMarkdown(db, c);
        QVERIFY(md.ok());
        const std::string& text = *md;
        QVERIFY(text.rfind("# Trip to Norway\n", 0) == 0);
        QVERIFY(text.find("model tiny.gguf") != std::string::npos);
        QVERIFY(text.find("**System prompt:** Be concise.") != std::string::npos);
        QVERIFY(text.find("Plan a trip to the fjords.") != std::string::npos);
        QVERIFY(text.find("## Assistant (alternative 2 of 2)") != std::string::npos);
        QVERIFY(text.find("- pack a raincoat") != std::string::npos);
        QVERIFY(text.find("## You (alternative 2 of 2)\n\nAnd in summer?") != std::string::npos);
        QVERIFY(text.find("— streaming\n\nMidnight sun") != std::string::npos);
        QVERIFY(text.find("Day 1: Bergen.") == std::string::npos); // the other alternative is not shown
        QVERIFY(text.find("And in winter?") == std::string::npos);
    }

    void badInputIsAnError()
    {
        TempDb temp;
        Database db = temp.open();
        QCOMPARE(importJson(db, "not json").error().code, ErrorCode::BadFormat);
        QCOMPARE(importJson(db, R"({"format":"other"})").error().code, ErrorCode::BadFormat);
        QCOMPARE(importJson(db, R"({"format":"hearth-conversation","version":9})").error().code,
            ErrorCode::Unsupported);
        // A child before its parent: nothing is imported (one transaction).
        std::string orphan = R"({"format":"hearth-conversation","version":1,"conversation":{"title":"x"},
            "messages":[{"id":2,"parent":1,"role":"user","text":"orphan","status":"complete"}]})";
        QCOMPARE(importJson(db, orphan).error().code, ErrorCode::BadFormat);
        QCOMPARE(*Conversations(db).count(true), std::int64_t(0));
        QVERIFY(!exportJson(db, 42).ok());
        QVERIFY(!exportMarkdown(db, 42).ok());
    }
};

QTEST_GUILESS_MAIN(ExportTest)
#include "tst_export.moc"
