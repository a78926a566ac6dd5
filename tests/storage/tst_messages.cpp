// Messages: the chat turn (user committed first, streaming reply with checkpoints, finish), the
// tree of alternatives (regenerate, edit-resend, ‹1/2› switching), start-up recovery.
#include "storage/conversations.h"
#include "storage/messages.h"
#include "storage/migrations.h"
#include "storage/search.h"
#include "tempdb.h"

using namespace hearth;
using namespace hearth::storage;
using namespace hearth::storage::test;

namespace {

std::vector<std::string> texts(const std::vector<Message>& thread)
{
    std::vector<std::string> out;
    for (const Message& m : thread)
        out.push_back(m.text);
    return out;
}

// A finished reply under `parent` with the given text.
std::int64_t reply(
    Messages& messages, std::int64_t conversation, std::int64_t parent, const std::string& text)
{
    std::int64_t id = messages.beginAssistant(conversation, parent)->id;
    FinishInfo info;
    info.text = text;
    if (!messages.finish(id, info).ok()) qFatal("finish failed");
    return id;
}

} // namespace

class MessagesTest : public QObject {
    Q_OBJECT

private slots:
    void oneChatTurn()
    {
        TempDb temp;
        Database db = temp.open();
        std::int64_t conversation = Conversations(db).create("turn")->id;
        Messages messages(db);

        Result<Message> user = messages.appendUser(conversation, "What is a lighthouse?");
        QVERIFY(user.ok());
        QCOMPARE(user->role, Role::User);
        QCOMPARE(user->status, MessageStatus::Complete);
        QCOMPARE(user->parentId, std::int64_t(0));
        QCOMPARE(Conversations(db).get(conversation)->currentLeafId, user->id);

        Result<Message> answer = messages.beginAssistant(conversation, user->id);
        QVERIFY(answer.ok());
        QCOMPARE(answer->status, MessageStatus::Streaming);
        QCOMPARE(answer->parentId, user->id);
        QCOMPARE(answer->text, std::string());
        QVERIFY(messages.checkpoint(answer->id, "A tower").ok());
        QCOMPARE(messages.get(answer->id)->text, std::string("A tower"));
        QVERIFY(messages.checkpoint(answer->id, "A tower with a light").ok());

        FinishInfo info;
        info.text = "A tower with a light that guides ships.";
        info.promptTokens = 12;
        info.completionTokens = 9;
        info.tokensPerSecond = 42.5;
        QVERIFY(messages.finish(answer->id, info).ok());
        Message done = *messages.get(answer->id);
        QCOMPARE(done.status, MessageStatus::Complete);
        QCOMPARE(done.text, info.text);
        QCOMPARE(done.promptTokens, 12);
        QCOMPARE(done.completionTokens, 9);
        QCOMPARE(done.tokensPerSecond, 42.5);

        // A finished reply takes no more checkpoints and cannot be finished twice.
        QCOMPARE(messages.checkpoint(answer->id, "late").error().code, ErrorCode::InvalidArgument);
        QVERIFY(!messages.finish(answer->id, info).ok());
        QCOMPARE(messages.get(answer->id)->text, info.text);

        Result<std::vector<Message>> thread = messages.thread(conversation);
        QCOMPARE(texts(*thread), (std::vector<std::string> { "What is a lighthouse?", info.text }));
        QCOMPARE(thread->at(1).siblingCount, 1);
    }

    void failedReplyKeepsItsError()
    {
        TempDb temp;
        Database db = temp.open();
        std::int64_t conversation = Conversations(db).create("fail")->id;
        Messages messages(db);
        std::int64_t user = messages.appendUser(conversation, "hi")->id;
        std::int64_t answer = messages.beginAssistant(conversation, user)->id;
        QVERIFY(messages.checkpoint(answer, "Hel").ok());
        FinishInfo info;
        info.status = MessageStatus::Failed;
        info.text = "Hel";
        info.error = "device lost";
        QVERIFY(messages.finish(answer, info).ok());
        Message m = *messages.get(answer);
        QCOMPARE(m.status, MessageStatus::Failed);
        QCOMPARE(m.error, std::string("device lost"));
        info.status = MessageStatus::Streaming;
        QVERIFY(!messages.finish(answer, info).ok());
    }

    // Regenerate twice, switch between the three answers, continue under the second one.
    void regenerateKeepsAlternatives()
    {
        TempDb temp;
        Database db = temp.open();
        std::int64_t conversation = Conversations(db).create("alts")->id;
        Messages messages(db);
        std::int64_t question = messages.appendUser(conversation, "Q")->id;
        std::int64_t a1 = reply(messages, conversation, question, "A1");
        std::int64_t a2 = reply(messages, conversation, question, "A2");
        std::int64_t a3 = reply(messages, conversation, question, "A3");

        Result<std::vector<Message>> thread = messages.thread(conversation);
        QCOMPARE(texts(*thread), (std::vector<std::string> { "Q", "A3" }));
        QCOMPARE(thread->at(1).siblingIndex, 2);
        QCOMPARE(thread->at(1).siblingCount, 3);
        QCOMPARE(messages.siblings(a2)->size(), size_t(3));

        QCOMPARE(*messages.selectSibling(a3, -1), a2); // ‹
        QCOMPARE(texts(*messages.thread(conversation)), (std::vector<std::string> { "Q", "A2" }));
        QCOMPARE(messages.thread(conversation)->at(1).siblingIndex, 1);
        QCOMPARE(*messages.selectSibling(a2, -5), a1); // clamped at the first
        QCOMPARE(*messages.selectSibling(a1, 10), a3); // clamped at the last

        // Continue the conversation under A2; switching back to A2 later shows that continuation.
        QVERIFY(messages.select(a2).ok());
        std::int64_t followUp = messages.appendUser(conversation, "Q2")->id;
        QCOMPARE(messages.get(followUp)->parentId, a2);
        reply(messages, conversation, followUp, "A2-2");
        QCOMPARE(
            texts(*messages.thread(conversation)), (std::vector<std::string> { "Q", "A2", "Q2", "A2-2" }));
        QVERIFY(messages.select(a1).ok());
        QCOMPARE(texts(*messages.thread(conversation)), (std::vector<std::string> { "Q", "A1" }));
        QCOMPARE(*messages.selectSibling(a1, 1), a2);
        QCOMPARE(
            texts(*messages.thread(conversation)), (std::vector<std::string> { "Q", "A2", "Q2", "A2-2" }));
        QCOMPARE(messages.all(conversation)->size(), size_t(6));
    }

    // Edit-resend: a new user message beside the old one, a new branch; the old branch stays.
    void editResendCreatesABranch()
    {
        TempDb temp;
        Database db = temp.open();
        std::int64_t conversation = Conversations(db).create("edit")->id;
        Messages messages(db);
        std::int64_t q1 = messages.appendUser(conversation, "first question")->id;
        reply(messages, conversation, q1, "first answer");
        std::int64_t q2 = messages.appendUser(conversation, "second question, with a typo")->id;
        reply(messages, conversation, q2, "answer to the typo");

        Result<Message> edited = messages.editResend(q2, "second question");
        QVERIFY(edited.ok());
        QCOMPARE(edited->parentId, messages.get(q2)->parentId);
        reply(messages, conversation, edited->id, "better answer");
        Result<std::vector<Message>> thread = messages.thread(conversation);
        QCOMPARE(texts(*thread),
            (std::vector<std::string> {
                "first question", "first answer", "second question", "better answer" }));
        QCOMPARE(thread->at(2).siblingIndex, 1);
        QCOMPARE(thread->at(2).siblingCount, 2);
        QCOMPARE(*messages.selectSibling(edited->id, -1), q2);
        QCOMPARE(texts(*messages.thread(conversation)).back(), std::string("answer to the typo"));

        // Editing the very first message branches at the root.
        Result<Message> newRoot = messages.editResend(q1, "another start");
        QCOMPARE(newRoot->parentId, std::int64_t(0));
        QCOMPARE(texts(*messages.thread(conversation)), (std::vector<std::string> { "another start" }));
        QCOMPARE(messages.thread(conversation)->at(0).siblingCount, 2);
        // Only user messages can be edited this way.
        QVERIFY(!messages.editResend(messages.thread(conversation)->at(0).id + 1000, "x").ok());
    }

    void parentMustBeInTheSameConversation()
    {
        TempDb temp;
        Database db = temp.open();
        std::int64_t c1 = Conversations(db).create("one")->id;
        std::int64_t c2 = Conversations(db).create("two")->id;
        Messages messages(db);
        std::int64_t q = messages.appendUser(c1, "q")->id;
        QCOMPARE(messages.beginAssistant(c2, q).error().code, ErrorCode::InvalidArgument);
        QVERIFY(!messages.beginAssistant(c1, 9999).ok());
        QVERIFY(!messages.appendUser(9999, "nowhere").ok());
        QCOMPARE(messages.all(c2)->size(), size_t(0));
    }

    // Replies left streaming (the app died) become interrupted with their last checkpoint, at open.
    void startupRecoveryMarksInterrupted()
    {
        TempDb temp;
        std::int64_t answer = 0;
        {
            Database db = temp.open();
            std::int64_t conversation = Conversations(db).create("crash")->id;
            Messages messages(db);
            std::int64_t q = messages.appendUser(conversation, "q")->id;
            answer = messages.beginAssistant(conversation, q)->id;
            QVERIFY(messages.checkpoint(answer, "partial reply").ok());
        }
        Database db = temp.open();
        QCOMPARE(db.openReport().interruptedReplies, 1);
        Message m = *Messages(db).get(answer);
        QCOMPARE(m.status, MessageStatus::Interrupted);
        QCOMPARE(m.text, std::string("partial reply"));
        QCOMPARE(m.interruption, Interruption::AppClosed);
        QCOMPARE(*Messages(db).markStreamingInterrupted(), 0);
    }

    // What interrupted a reply is kept with it; other statuses record no interruption.
    void interruptionIsStored_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("given");
        QTest::addColumn<int>("stored");
        QTest::addRow("stopped by the user")
            << int(MessageStatus::Interrupted) << int(Interruption::ByUser) << int(Interruption::ByUser);
        QTest::addRow("engine stopped") << int(MessageStatus::Interrupted) << int(Interruption::EngineStopped)
                                        << int(Interruption::EngineStopped);
        QTest::addRow("complete ignores it")
            << int(MessageStatus::Complete) << int(Interruption::ByUser) << int(Interruption::None);
    }
    void interruptionIsStored()
    {
        QFETCH(int, status);
        QFETCH(int, given);
        QFETCH(int, stored);
        TempDb temp;
        Database db = temp.open();
        std::int64_t conversation = Conversations(db).create("why")->id;
        Messages messages(db);
        std::int64_t answer
            = messages.beginAssistant(conversation, messages.appendUser(conversation, "q")->id)->id;
        FinishInfo info;
        info.status = MessageStatus(status);
        info.interruption = Interruption(given);
        info.text = "part";
        info.completionTokens = 7;
        QVERIFY(messages.finish(answer, info).ok());
        Message m = *messages.get(answer);
        QCOMPARE(int(m.interruption), stored);
        QCOMPARE(m.completionTokens, 7);
    }

    // Continue: an interrupted reply streams again (checkpoints accepted, out of the search index
    // meanwhile) and is finished once more; complete replies and user messages cannot be resumed.
    void resumeContinuesAnInterruptedReply()
    {
        TempDb temp;
        Database db = temp.open();
        std::int64_t conversation = Conversations(db).create("again")->id;
        Messages messages(db);
        std::int64_t user = messages.appendUser(conversation, "tell me")->id;
        std::int64_t answer = messages.beginAssistant(conversation, user)->id;
        FinishInfo stopped;
        stopped.status = MessageStatus::Interrupted;
        stopped.interruption = Interruption::EngineStopped;
        stopped.text = "Once upon a ";
        QVERIFY(messages.finish(answer, stopped).ok());
        QCOMPARE(searchMessages(db, "upon")->size(), size_t(1));

        QVERIFY(messages.resume(answer, "Once upon a").ok());
        Message resumed = *messages.get(answer);
        QCOMPARE(resumed.status, MessageStatus::Streaming);
        QCOMPARE(resumed.interruption, Interruption::None);
        QCOMPARE(resumed.text, std::string("Once upon a"));
        QCOMPARE(searchMessages(db, "upon")->size(), size_t(0));
        QVERIFY(messages.checkpoint(answer, "Once upon a time").ok());
        FinishInfo done;
        done.text = "Once upon a time there was";
        QVERIFY(messages.finish(answer, done).ok());
        QCOMPARE(messages.get(answer)->status, MessageStatus::Complete);
        QCOMPARE(searchMessages(db, "upon")->size(), size_t(1));

        QCOMPARE(messages.resume(answer, "x").error().code, ErrorCode::InvalidArgument);
        QCOMPARE(messages.resume(user, "x").error().code, ErrorCode::InvalidArgument);
        QCOMPARE(messages.get(answer)->text, done.text);
    }

    // v4 back-fills the cause of replies interrupted under v3 from what v3 wrote in `error`.
    void migrationFillsInInterruptions()
    {
        TempDb temp;
        sqlite3* raw = nullptr;
        QCOMPARE(sqlite3_open(temp.dbPath().c_str(), &raw), SQLITE_OK);
        QCOMPARE(runMigrations(raw, 0, 3), std::string());
        const char* rows
            = "INSERT INTO conversations (id, title, created_at, updated_at, current_leaf_id) VALUES (1, "
              "'o', 1, 1, 4);"
              "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at, "
              "updated_at, error)"
              " VALUES (1, 1, NULL, 'user', 'q', 'complete', 1, 1, ''),"
              "        (2, 1, 1, 'assistant', 'a', 'interrupted', 2, 2, 'Stopped'),"
              "        (3, 1, 1, 'assistant', 'b', 'interrupted', 3, 3, ''),"
              "        (4, 1, 1, 'assistant', 'c', 'interrupted', 4, 4, 'The engine stopped unexpectedly.'),"
              "        (5, 1, 1, 'assistant', 'd', 'failed', 5, 5, 'out of memory');";
        QCOMPARE(sqlite3_exec(raw, rows, nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
        Database db = temp.open();
        Messages messages(db);
        QCOMPARE(messages.get(2)->interruption, Interruption::ByUser);
        QCOMPARE(messages.get(2)->error, std::string());
        QCOMPARE(messages.get(3)->interruption, Interruption::AppClosed);
        QCOMPARE(messages.get(4)->interruption, Interruption::EngineStopped);
        QCOMPARE(messages.get(4)->error, std::string("The engine stopped unexpectedly."));
        QCOMPARE(messages.get(5)->interruption, Interruption::None);
    }

    void namesRoundTrip()
    {
        for (Role r : { Role::System, Role::User, Role::Assistant })
            QCOMPARE(*roleFromName(roleName(r)), r);
        for (MessageStatus s : { MessageStatus::Complete, MessageStatus::Streaming,
                 MessageStatus::Interrupted, MessageStatus::Failed })
            QCOMPARE(*statusFromName(statusName(s)), s);
        for (Interruption i : { Interruption::None, Interruption::ByUser, Interruption::EngineStopped,
                 Interruption::AppClosed })
            QCOMPARE(*interruptionFromName(interruptionName(i)), i);
        QVERIFY(!interruptionFromName("gremlins"));
        QVERIFY(!roleFromName("robot"));
        QVERIFY(!statusFromName("pending"));
    }
};

QTEST_GUILESS_MAIN(MessagesTest)
#include "tst_messages.moc"
