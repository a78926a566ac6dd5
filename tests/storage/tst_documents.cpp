// Documents: attach, passages, bm25-ranked passage search scoped by document or conversation.
#include "storage/conversations.h"
#include "storage/documents.h"
#include "tempdb.h"

using namespace hearth;
using namespace hearth::storage;
using namespace hearth::storage::test;

class DocumentsTest : public QObject {
    Q_OBJECT

private slots:
    void attachAndRead()
    {
        TempDb temp;
        Database db = temp.open();
        std::int64_t conversation = Conversations(db).create("docs")->id;
        Documents documents(db);
        Result<Document> doc
            = documents.addDocument(conversation, "/home/u/report.pdf", "abc123", "full text");
        QVERIFY(doc.ok());
        QCOMPARE(doc->path, std::string("/home/u/report.pdf"));
        QCOMPARE(doc->checksum, std::string("abc123"));
        QCOMPARE(doc->text, std::string("full text"));
        QVERIFY(documents.addPassages(doc->id, { { "first part", 0 }, { "second part", 11 } }).ok());
        QVERIFY(documents.addPassages(doc->id, { { "third part", 23 } }).ok());
        std::vector<Passage> passages = *documents.passages(doc->id);
        QCOMPARE(passages.size(), size_t(3));
        QCOMPARE(passages[2].ordinal, 2);
        QCOMPARE(passages[2].offset, std::int64_t(23));
        QCOMPARE(passages[2].text, std::string("third part"));
        QCOMPARE(documents.get(doc->id)->passageCount, 3);

        QCOMPARE(documents.findByChecksum(conversation, "abc123")->id, doc->id);
        QCOMPARE(documents.findByChecksum(conversation, "other")->id, std::int64_t(0));
        std::vector<Document> list = *documents.list(conversation);
        QCOMPARE(list.size(), size_t(1));
        QVERIFY(list[0].text.empty());
        QCOMPARE(documents.list(conversation, true)->at(0).text, std::string("full text"));
        QVERIFY(!documents.addDocument(9999, "x", "y", "z").ok());
    }

    void passageSearchRanksByBm25()
    {
        TempDb temp;
        Database db = temp.open();
        Conversations conversations(db);
        std::int64_t c1 = conversations.create("one")->id;
        std::int64_t c2 = conversations.create("two")->id;
        Documents documents(db);
        std::int64_t manual = documents.addDocument(c1, "manual.txt", "m", "")->id;
        std::int64_t notes = documents.addDocument(c1, "notes.txt", "n", "")->id;
        std::int64_t other = documents.addDocument(c2, "other.txt", "o", "")->id;
        QVERIFY(documents
                    .addPassages(manual,
                        { { "The pump must be primed before the first start.", 0 },
                            { "Replace the filter every spring; the pump filter clogs.", 50 },
                            { "Warranty terms and conditions apply.", 110 } })
                    .ok());
        QVERIFY(documents.addPassages(notes, { { "Bought a new filter for the garden hose.", 0 } }).ok());
        QVERIFY(documents.addPassages(other, { { "pump filter pump filter", 0 } }).ok());

        // Both query words beat one; stemming matches "filters" to "filter"; punctuation is harmless.
        Result<std::vector<PassageHit>> hits = documents.searchPassages(
            PassageScope::document(manual), "How often do I change the pump filters?", 5);
        QVERIFY2(hits.ok(), hits.ok() ? "" : hits.error().message.c_str());
        QCOMPARE(hits->size(), size_t(2));
        QCOMPARE(hits->at(0).passage.ordinal, 1);
        QCOMPARE(hits->at(1).passage.ordinal, 0);
        QVERIFY(hits->at(0).score <= hits->at(1).score);
        QCOMPARE(hits->at(0).documentPath, std::string("manual.txt"));

        // Conversation scope reaches every document of that conversation and nothing else.
        hits = documents.searchPassages(PassageScope::conversation(c1), "filter", 10);
        QCOMPARE(hits->size(), size_t(2));
        for (const PassageHit& hit : *hits)
            QCOMPARE(hit.conversationId, c1);
        QCOMPARE(documents.searchPassages(PassageScope::conversation(c1), "filter", 1)->size(), size_t(1));
        QCOMPARE(documents.searchPassages(PassageScope::conversation(c1), "?!", 5)->size(), size_t(0));
        QCOMPARE(documents.searchPassages(PassageScope::conversation(c1), "NEAR(\"x)", 5)->size(), size_t(0));

        // Removing a document removes its passages from the index.
        QVERIFY(documents.remove(manual).ok());
        QCOMPARE(documents.searchPassages(PassageScope::conversation(c1), "pump", 5)->size(), size_t(0));
        QVERIFY(conversations.remove(c2).ok());
        QCOMPARE(scalar(db.handle(), "SELECT count(*) FROM passages"), std::string("1"));
        QCOMPARE(*db.integrityCheck(), std::string("ok"));
        QVERIFY(db.exec("INSERT INTO passages_fts (passages_fts) VALUES ('integrity-check')").ok());
    }
};

QTEST_GUILESS_MAIN(DocumentsTest)
#include "tst_documents.moc"
