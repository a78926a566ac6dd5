// Full-text search over messages: hits with a highlighted snippet, prefix while typing, scoping,
// deleted conversations left out, streaming replies indexed only once they end, hostile input.
#include "storage/conversations.h"
#include "storage/messages.h"
#include "storage/search.h"
#include "tempdb.h"

using namespace hearth;
using namespace hearth::storage;
using namespace hearth::storage::test;

class SearchTest : public QObject {
    Q_OBJECT

private:
    TempDb m_temp;
    std::optional<Database> m_db;
    std::int64_t m_sea = 0, m_garden = 0, m_streaming = 0;

private slots:
    void initTestCase()
    {
        m_db.emplace(m_temp.open());
        Conversations conversations(*m_db);
        Messages messages(*m_db);
        m_sea = conversations.create("Sea")->id;
        m_garden = conversations.create("Garden")->id;
        std::int64_t q = messages.appendUser(m_sea, "Why do lighthouses flash at night?")->id;
        std::int64_t a = messages.beginAssistant(m_sea, q)->id;
        FinishInfo info;
        info.text
            = "Each lighthouse has its own pattern of flashes, so sailors can tell them apart in the dark.";
        QVERIFY(messages.finish(a, info).ok());
        QVERIFY(messages.appendUser(m_garden, "When should I plant tulips? My café garden is shady.").ok());
        std::int64_t q2 = messages.appendUser(m_garden, "And the lighthouse lily?")->id;
        m_streaming = messages.beginAssistant(m_garden, q2)->id;
        QVERIFY(messages.checkpoint(m_streaming, "Lighthouse lilies like zephyrs").ok());
    }

    void findsWithSnippet()
    {
        Result<std::vector<SearchHit>> hits = searchMessages(*m_db, "flashes");
        QVERIFY2(hits.ok(), hits.ok() ? "" : hits.error().message.c_str());
        QCOMPARE(hits->size(), size_t(1));
        const SearchHit& hit = hits->at(0);
        QCOMPARE(hit.conversationId, m_sea);
        QCOMPARE(hit.conversationTitle, std::string("Sea"));
        QCOMPARE(hit.role, std::string("assistant"));
        QVERIFY2(hit.snippet.find("[flashes]") != std::string::npos, hit.snippet.c_str());
        QVERIFY(hit.createdAt > 0);
    }

    void everyWordMustMatchAndLastIsAPrefix()
    {
        // "lighthouse" is also a prefix of the question's "lighthouses": three messages.
        QCOMPARE(searchMessages(*m_db, "lighthouse")->size(), size_t(3));
        QCOMPARE(searchMessages(*m_db, "lighthouse lil")->size(), size_t(1)); // typing "lil…"
        QCOMPARE(searchMessages(*m_db, "lighthouse tulips")->size(), size_t(0));
        QCOMPARE(searchMessages(*m_db, "LIGHTHOUSES")->size(), size_t(1)); // case folded
        QCOMPARE(searchMessages(*m_db, "cafe")->size(), size_t(1)); // diacritics folded
    }

    void customHighlightAndScope()
    {
        SearchOptions options;
        options.highlightOpen = "<b>";
        options.highlightClose = "</b>";
        options.conversationId = m_garden;
        Result<std::vector<SearchHit>> hits = searchMessages(*m_db, "lighthouse", options);
        QCOMPARE(hits->size(), size_t(1));
        QVERIFY2(
            hits->at(0).snippet.find("<b>lighthouse</b>") != std::string::npos, hits->at(0).snippet.c_str());
        options.newestFirst = true;
        options.conversationId = 0;
        hits = searchMessages(*m_db, "lighthouse", options);
        QCOMPARE(hits->size(), size_t(3));
        QVERIFY(hits->at(0).messageId > hits->at(1).messageId);
    }

    void hostileInputIsNoError()
    {
        for (const char* query :
            { "\"", "AND", "a OR", "NEAR(x y", "-lighthouse", "col:umn", "*", "", "   ", "^x" }) {
            Result<std::vector<SearchHit>> hits = searchMessages(*m_db, query);
            QVERIFY2(hits.ok(), query);
        }
        QCOMPARE(toFtsQuery("it's a \"test\"", " ", true), std::string(R"("it" "s" "a" "test"*)"));
    }

    void streamingIsIndexedWhenItEnds()
    {
        QCOMPARE(searchMessages(*m_db, "zephyrs")->size(), size_t(0));
        FinishInfo info;
        info.text = "Lighthouse lilies like zephyrs and shade.";
        QVERIFY(Messages(*m_db).finish(m_streaming, info).ok());
        QCOMPARE(searchMessages(*m_db, "zephyrs")->size(), size_t(1));
        QCOMPARE(searchMessages(*m_db, "shade")->size(), size_t(1));
    }

    void deletedConversationsAreLeftOut()
    {
        QVERIFY(Conversations(*m_db).softDelete(m_sea).ok());
        QCOMPARE(searchMessages(*m_db, "flashes")->size(), size_t(0));
        QVERIFY(Conversations(*m_db).restore(m_sea).ok());
        QCOMPARE(searchMessages(*m_db, "flashes")->size(), size_t(1));
        QVERIFY(Conversations(*m_db).remove(m_sea).ok());
        QCOMPARE(searchMessages(*m_db, "flashes")->size(), size_t(0));
        // The index still matches its content table after all the triggers ran.
        QVERIFY(m_db->exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')").ok());
    }
};

QTEST_GUILESS_MAIN(SearchTest)
#include "tst_search.moc"
