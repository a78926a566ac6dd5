// Conversations: create, get, list order (pinned first, newest first), rename, pin, settings,
// soft delete with undo, final removal (messages go too), settings key/value store.
#include "storage/conversations.h"
#include "storage/messages.h"
#include "storage/settings.h"
#include "tempdb.h"

#include <QThread>

using namespace hearth;
using namespace hearth::storage;
using namespace hearth::storage::test;

namespace {

std::vector<std::string> titles(const std::vector<Conversation>& list)
{
    std::vector<std::string> out;
    for (const Conversation& c : list)
        out.push_back(c.title);
    return out;
}

} // namespace

class ConversationsTest : public QObject {
    Q_OBJECT

private slots:
    void createAndGet()
    {
        TempDb temp;
        Database db = temp.open();
        ConversationSettings settings { "tiny-llama31-q4_k_m.gguf", "Be brief.", R"({"temperature":0.7})" };
        std::int64_t before = nowMs();
        Result<Conversation> created = Conversations(db).create("Hello", settings);
        QVERIFY(created.ok());
        QVERIFY(created->id > 0);
        QVERIFY(created->createdAt >= before && created->createdAt <= nowMs());
        QCOMPARE(created->updatedAt, created->createdAt);
        Result<Conversation> got = Conversations(db).get(created->id);
        QVERIFY(got.ok());
        QCOMPARE(got->title, std::string("Hello"));
        QCOMPARE(got->settings.model, settings.model);
        QCOMPARE(got->settings.systemPrompt, settings.systemPrompt);
        QCOMPARE(got->settings.samplingJson, settings.samplingJson);
        QVERIFY(!got->pinned);
        QVERIFY(!got->deletedAt);
        QCOMPARE(got->currentLeafId, std::int64_t(0));

        Result<Conversation> missing = Conversations(db).get(12345);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::InvalidArgument);
    }

    void listIsPinnedFirstThenNewest()
    {
        TempDb temp;
        Database db = temp.open();
        Conversations conversations(db);
        std::vector<std::int64_t> ids;
        for (const char* title : { "a", "b", "c", "d" }) {
            ids.push_back(conversations.create(title)->id);
            QThread::msleep(2); // distinct updated_at
        }
        QCOMPARE(titles(*conversations.list()), (std::vector<std::string> { "d", "c", "b", "a" }));
        QVERIFY(conversations.setPinned(ids[1], true).ok());
        QCOMPARE(titles(*conversations.list()), (std::vector<std::string> { "b", "d", "c", "a" }));
        // A new message moves its conversation up (among the unpinned).
        QVERIFY(Messages(db).appendUser(ids[0], "hi").ok());
        QCOMPARE(titles(*conversations.list()), (std::vector<std::string> { "b", "a", "d", "c" }));
        ListOptions page;
        page.limit = 2;
        page.offset = 1;
        QCOMPARE(titles(*conversations.list(page)), (std::vector<std::string> { "a", "d" }));
        QCOMPARE(*conversations.count(), std::int64_t(4));
    }

    void renamePinAndSettings()
    {
        TempDb temp;
        Database db = temp.open();
        Conversations conversations(db);
        std::int64_t id = conversations.create("old")->id;
        QVERIFY(conversations.rename(id, "new title").ok());
        QVERIFY(conversations.setPinned(id, true).ok());
        QVERIFY(conversations.setSettings(id, { "m2", "You are terse.", R"({"top_p":0.9})" }).ok());
        Conversation c = *conversations.get(id);
        QCOMPARE(c.title, std::string("new title"));
        QVERIFY(c.pinned);
        QCOMPARE(c.settings.model, std::string("m2"));
        QCOMPARE(c.settings.systemPrompt, std::string("You are terse."));
        QCOMPARE(c.settings.samplingJson, std::string(R"({"top_p":0.9})"));
        QVERIFY(conversations.setPinned(id, false).ok());
        QVERIFY(!conversations.get(id)->pinned);
        QVERIFY(!conversations.rename(999, "x").ok());
        QVERIFY(!conversations.setPinned(999, true).ok());
    }

    void softDeleteRestoreAndPurge()
    {
        TempDb temp;
        Database db = temp.open();
        Conversations conversations(db);
        std::int64_t keep = conversations.create("keep")->id;
        std::int64_t gone = conversations.create("gone")->id;
        QVERIFY(Messages(db).appendUser(gone, "a message that goes with it").ok());

        QVERIFY(conversations.softDelete(gone).ok());
        QCOMPARE(titles(*conversations.list()), (std::vector<std::string> { "keep" }));
        QVERIFY(conversations.get(gone)->deletedAt.has_value());
        ListOptions all;
        all.includeDeleted = true;
        QCOMPARE(conversations.list(all)->size(), size_t(2));

        QVERIFY(conversations.restore(gone).ok()); // undo
        QCOMPARE(conversations.list()->size(), size_t(2));

        QVERIFY(conversations.softDelete(gone).ok());
        QCOMPARE(*conversations.purgeDeleted(nowMs() + 1), 1);
        QVERIFY(!conversations.get(gone).ok());
        QCOMPARE(scalar(db.handle(),
                     "SELECT count(*) FROM messages WHERE conversation_id = " + std::to_string(gone)),
            std::string("0"));

        QVERIFY(conversations.remove(keep).ok());
        QCOMPARE(*conversations.count(true), std::int64_t(0));
        QVERIFY(!conversations.remove(keep).ok());
    }

    void settingsKeyValue()
    {
        TempDb temp;
        Database db = temp.open();
        Settings settings(db);
        QVERIFY(!settings.get("theme")->has_value());
        QCOMPARE(settings.value("theme", "light"), std::string("light"));
        QVERIFY(settings.set("theme", "dark").ok());
        QVERIFY(settings.set("theme", "darker").ok()); // replaces
        QVERIFY(settings.set("model", "/models/a.gguf").ok());
        QCOMPARE(**settings.get("theme"), std::string("darker"));
        QCOMPARE(settings.all()->size(), size_t(2));
        QVERIFY(settings.remove("theme").ok());
        QCOMPARE(settings.value("theme", "light"), std::string("light"));
    }
};

QTEST_GUILESS_MAIN(ConversationsTest)
#include "tst_conversations.moc"
