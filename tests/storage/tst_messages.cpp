// Messages: the chat turn (user committed first, streaming reply with checkpoints, finish), the
// tree of alternatives (regenerate, edit-resend, ‹1/2› switching), start-up recovery.
#include "storage/conversations.h"
#include "storage/messages.h"
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
        QCOMPARE(*Messages(db).markStreamingInterrupted(), 0);
    }

    void namesRoundTrip()
    {
        for (Role r : { Role::System, Role::User, Role::Assistant })
            QCOMPARE(*roleFromName(roleName(r)), r);
        for (MessageStatus s : { MessageStatus::Complete, MessageStatus::Streaming,
                 MessageStatus::Interrupted, MessageStatus::Failed })
            QCOMPARE(*statusFromName(statusName(s)), s);
        QVERIFY(!roleFromName("robot"));
        QVERIFY(!statusFromName("pending"));
    }
};

QTEST_GUILESS_MAIN(MessagesTest)
#include "tst_messages.moc"
