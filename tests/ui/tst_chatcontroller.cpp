// ChatController end to end below the QML: real store (temporary database), the engine process with
// the scripted FakeInference inside (tests/app/fakeinference.h), real EngineClient. Covers sending,
// batching, stop, regenerate, edit, continue, alternatives, search, delete/undo, pin, context
// overflow, two chats while one is written, an engine that dies mid-reply (killed, and aborting by
// itself), and reopening the database.
#include "chat_harness.h"
#include "storage/database.h"
#include "storage/documents.h"
#include "storage/messages.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace hearth::storage;

namespace {

// The controllers over a database file and the fake engine, with a model opened when one is given.
struct Harness : ChatHarness {
    Harness(const QString& dbPath, const QString& modelPath)
        : ChatHarness(dbPath, HEARTH_FAKE_ENGINE)
    {
        if (!modelPath.isEmpty()) model.open(modelPath);
    }
};

} // namespace

class ChatControllerTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;
    int m_db = 0;
    QString freshDb() { return m_dir.filePath(QString("chat-%1.sqlite").arg(++m_db)); }

    static bool waitReply(Harness& h, int timeoutMs = 10000)
    {
        QSignalSpy finished(&h.chat, &ChatController::replyFinished);
        return finished.wait(timeoutMs);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath("fake.gguf");
        QFile f(m_model);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF....");
        qputenv("HEARTH_FAKE_DELAY_MS", "2");
    }

    void blockedUntilModelLoads()
    {
        Harness h(freshDb(), QString());
        QTRY_VERIFY(h.store.ready());
        QVERIFY(!h.chat.canSend());
        QVERIFY(h.chat.sendBlockedReason().contains("No model"));
        QVERIFY(!h.chat.send("hello"));
        h.model.open(m_dir.filePath("notes.txt"));
        QCOMPARE(h.model.state(), QString("error"));
        h.model.open(m_model);
        QTRY_COMPARE(h.model.state(), QString("loaded"));
        QVERIFY(h.chat.canSend());
        QCOMPARE(h.model.recentModels().value(0), m_model);
    }

    void sendStreamsBatchedAndSaves()
    {
        const QString db = freshDb();
        {
            Harness h(db, m_model);
            QTRY_VERIFY(h.chat.canSend());
            h.settings.setMaxTokens(40);
            QSignalSpy changed(h.chat.messages(), &QAbstractItemModel::dataChanged);
            QVERIFY(h.chat.send("hello there"));
            QVERIFY(!h.chat.send("again")); // one turn at a time
            QVERIFY(waitReply(h));
            QCOMPARE(h.count(), 2);
            QCOMPARE(h.role(0, MessageModel::RoleRole), QString("user"));
            QVERIFY(h.text(1).startsWith("Echo: hello there w1 w2"));
            QVERIFY(h.text(1).endsWith(" w39"));
            QCOMPARE(h.role(1, MessageModel::StatusRole), QString("complete"));
            // 40 pieces reached the model in fewer updates than pieces: one per frame at most.
            int textUpdates = 0;
            for (const auto& args : changed)
                if (args[2].value<QList<int>>() == QList<int> { MessageModel::TextRole }) ++textUpdates;
            QVERIFY2(textUpdates < 40, qPrintable(QString::number(textUpdates)));
            QCOMPARE(h.library.conversations()->rowCount(), 1);
            QCOMPARE(h.chat.currentTitle(), QString("hello there"));
            QVERIFY(h.chat.messages()
                        ->data(h.chat.messages()->index(1), MessageModel::CompletionTokensRole)
                        .toInt()
                == 40);
        }
        // A new window on the same database finds it all.
        Harness again(db, m_model);
        QTRY_COMPARE(again.library.conversations()->rowCount(), 1);
        again.chat.openConversation(again.library.conversations()->at(0)->id);
        QTRY_COMPARE(again.count(), 2);
        QVERIFY(again.text(1).endsWith(" w39"));
    }

    void stopKeepsPartialReply()
    {
        qputenv("HEARTH_FAKE_DELAY_MS", "20");
        Harness h(freshDb(), m_model);
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(5000);
        QVERIFY(h.chat.send("tell me a long story"));
        QTRY_VERIFY(h.count() == 2 && h.text(1).contains("w3"));
        h.chat.stop();
        QVERIFY(waitReply(h, 3000));
        QCOMPARE(h.role(1, MessageModel::StatusRole), QString("interrupted"));
        QCOMPARE(h.role(1, MessageModel::InterruptionRole), QString("user"));
        QVERIFY(!h.text(1).contains("w4999"));
        QVERIFY(h.chat.canSend());
        qputenv("HEARTH_FAKE_DELAY_MS", "2");
    }

    // Continue: the model goes on from the interrupted reply's text (the prompt ends with it) and the
    // new words join the same message, saved as they stream; its token count adds up.
    void continueAppendsToTheInterruptedReply()
    {
        qputenv("HEARTH_FAKE_DELAY_MS", "20");
        const QString db = freshDb();
        Harness h(db, m_model);
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(5000);
        QVERIFY(h.chat.send("tell me a long story"));
        QTRY_VERIFY(h.count() == 2 && h.text(1).contains("w3"));
        h.chat.stop();
        QVERIFY(waitReply(h, 3000));
        qputenv("HEARTH_FAKE_DELAY_MS", "2");
        const qint64 reply = h.chat.messages()->messageAt(1)->id;
        const QString partial = h.text(1);
        const int tokensBefore = h.chat.messages()->messageAt(1)->completionTokens;
        QCOMPARE(tokensBefore, int(partial.count(' ')) - 4); // "Echo:", "tell me a long story", " w1" ...

        h.settings.setMaxTokens(3);
        QVERIFY(h.chat.continueReply(reply));
        QTRY_COMPARE(h.role(1, MessageModel::StatusRole), QString("streaming"));
        QVERIFY(waitReply(h));
        QCOMPARE(h.count(), 2);
        QCOMPARE(h.chat.messages()->messageAt(1)->id, reply);
        QCOMPARE(h.text(1), partial + " c1 c2 c3");
        QCOMPARE(h.role(1, MessageModel::StatusRole), QString("complete"));
        QCOMPARE(h.role(1, MessageModel::InterruptionRole), QString());
        // The engine saw the user's message and the partial reply (the fake counts a token a word).
        QCOMPARE(h.chat.lastStats().value("promptTokens").toInt(), 5 + int(partial.count(' ')) + 1);
        h.store.waitForIdle();
        auto opened = Database::open(db.toStdString());
        QVERIFY(opened.ok());
        auto stored = Messages(opened.value()).get(reply);
        QCOMPARE(QString::fromStdString(stored->text), partial + " c1 c2 c3");
        QCOMPARE(stored->status, MessageStatus::Complete);
        QCOMPARE(stored->completionTokens, tokensBefore + 3);
        // A complete reply has nothing to continue: refused, and said.
        QVERIFY(!h.chat.continueReply(reply));
        QVERIFY(!h.chat.notice().isEmpty());
    }

    // The engine writes one reply at a time. While it writes in chat A, chat B stays readable and
    // its composer usable, but sending, regenerating and editing there are refused with a reason
    // that names A — never dropped silently; Stop belongs to A; the sidebar knows which chat it is.
    void anotherChatWhileOneIsWriting()
    {
        qputenv("HEARTH_FAKE_DELAY_MS", "20");
        Harness h(freshDb(), m_model);
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(2);
        QVERIFY(h.chat.send("chat bee"));
        QVERIFY(waitReply(h));
        const qint64 b = h.chat.currentConversationId();
        const qint64 bReply = h.chat.messages()->messageAt(1)->id;
        const qint64 bUser = h.chat.messages()->messageAt(0)->id;
        const QString bText = h.text(1);
        QCOMPARE(h.chat.writingConversationId(), qint64(0));

        h.chat.newConversation();
        h.settings.setMaxTokens(5000);
        QSignalSpy writing(&h.chat, &ChatController::writingChanged);
        QVERIFY(h.chat.send("chat ay tells a long story"));
        QTRY_VERIFY(h.count() == 2 && h.text(1).contains("w2"));
        const qint64 a = h.chat.currentConversationId();
        QCOMPARE(h.chat.writingConversationId(), a);
        QVERIFY(h.chat.writingHere());
        QVERIFY(writing.size() >= 1);

        // Over to B while A writes.
        h.chat.openConversation(b);
        QTRY_COMPARE(h.chat.currentConversationId(), b);
        QTRY_COMPARE(h.count(), 2);
        QVERIFY(h.chat.generating());
        QVERIFY(!h.chat.writingHere());
        QCOMPARE(h.chat.writingConversationId(), a); // the sidebar marks A
        QVERIFY(!h.chat.canSend());
        const QString reason = h.chat.sendBlockedReason();
        QVERIFY2(
            reason.contains("chat ay tells a long story") && reason.contains("writing"), qPrintable(reason));

        QVERIFY(!h.chat.send("hello bee"));
        h.chat.dismissNotice();
        QVERIFY(!h.chat.regenerate(bReply));
        QCOMPARE(h.chat.notice(), reason);
        h.chat.dismissNotice();
        QVERIFY(!h.chat.editAndResend(bUser, "edited"));
        QCOMPARE(h.chat.notice(), reason);
        // B is untouched by A's stream and by the refused requests.
        QTest::qWait(100);
        QCOMPARE(h.count(), 2);
        QCOMPARE(h.text(1), bText);
        QCOMPARE(h.role(1, MessageModel::SiblingCountRole).toInt(), 1);

        // Stopping A (Esc works from any chat) frees B.
        h.chat.stop();
        QVERIFY(waitReply(h, 3000));
        QCOMPARE(h.chat.writingConversationId(), qint64(0));
        QVERIFY(h.chat.canSend());
        qputenv("HEARTH_FAKE_DELAY_MS", "2");
        h.settings.setMaxTokens(2);
        QVERIFY(h.chat.send("hello bee"));
        QCOMPARE(h.chat.writingConversationId(), qint64(0)); // the store first, then the engine
        QTRY_COMPARE(h.chat.writingConversationId(), b);
        QVERIFY(waitReply(h));
        QCOMPARE(h.count(), 4);
        QCOMPARE(h.library.conversations()->rowCount(), 2);
    }

    void regenerateEditAndAlternatives()
    {
        Harness h(freshDb(), m_model);
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(3);
        QVERIFY(h.chat.send("first"));
        QVERIFY(waitReply(h));
        const qint64 firstReply = h.chat.messages()->messageAt(1)->id;

        // Regenerate: a second reply beside the first, shown as 2/2.
        h.chat.regenerate(firstReply);
        QVERIFY(waitReply(h));
        QCOMPARE(h.count(), 2);
        QVERIFY(h.chat.messages()->messageAt(1)->id != firstReply);
        QCOMPARE(h.role(1, MessageModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(h.role(1, MessageModel::SiblingIndexRole).toInt(), 1);
        h.chat.switchAlternative(h.chat.messages()->messageAt(1)->id, -1);
        QTRY_COMPARE(h.chat.messages()->messageAt(1)->id, firstReply);

        // Edit and resend: the edited message is the new branch; the old one stays reachable.
        const qint64 original = h.chat.messages()->messageAt(0)->id;
        h.chat.editAndResend(original, "second thoughts");
        QVERIFY(waitReply(h));
        QCOMPARE(h.text(0), QString("second thoughts"));
        QCOMPARE(h.role(0, MessageModel::SiblingCountRole).toInt(), 2);
        QVERIFY(h.text(1).startsWith("Echo: second thoughts"));
        h.chat.switchAlternative(h.chat.messages()->messageAt(0)->id, -1);
        QTRY_COMPARE(h.text(0), QString("first"));
        // The old branch comes back with its newest descendant (storage's rule): the regenerated reply.
        QCOMPARE(h.role(1, MessageModel::SiblingCountRole).toInt(), 2);

        // Search finds the other branch and opens the conversation on it, at the hit.
        h.library.search("thoughts");
        QTRY_VERIFY(h.library.searchResults()->rowCount() >= 1);
        const qint64 hitMessage
            = h.library.searchResults()
                  ->data(h.library.searchResults()->index(0), SearchResultModel::MessageIdRole)
                  .toLongLong();
        const qint64 hitConversation
            = h.library.searchResults()
                  ->data(h.library.searchResults()->index(0), SearchResultModel::ConversationIdRole)
                  .toLongLong();
        QSignalSpy scrolled(&h.chat, &ChatController::scrollToRow);
        h.chat.openConversation(hitConversation, hitMessage);
        QTRY_VERIFY(h.chat.messages()->rowForId(hitMessage) >= 0);
        QCOMPARE(h.chat.highlightMessageId(), hitMessage);
        QVERIFY(scrolled.size() >= 1);
    }

    void sidebarOperations()
    {
        Harness h(freshDb(), m_model);
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(2);
        for (const char* text : { "alpha", "beta", "gamma" }) {
            h.chat.newConversation();
            QVERIFY(h.chat.send(text));
            QVERIFY(waitReply(h));
        }
        auto* list = h.library.conversations();
        auto title = [&](int row) {
            return list->data(list->index(row), ConversationListModel::TitleRole).toString();
        };
        QTRY_COMPARE(title(0), QString("gamma")); // newest first
        const qint64 alpha = list->at(2)->id;
        h.library.setPinned(alpha, true);
        QTRY_COMPARE(title(0), QString("alpha"));
        h.library.rename(alpha, "Alpha, renamed");
        QTRY_COMPARE(title(0), QString("Alpha, renamed"));
        h.library.remove(alpha);
        QCOMPARE(list->rowCount(), 2);
        QCOMPARE(h.library.undoTitle(), QString("Alpha, renamed"));
        h.library.undoRemove();
        QTRY_COMPARE(list->rowCount(), 3);
        QCOMPARE(h.library.undoTitle(), QString());
        h.library.reload();
        QTRY_COMPARE(list->rowCount(), 3);
    }

    // The library deletes; the chat hears it first: the reply being written there stops, the open
    // conversation closes, and nothing of it is left on screen.
    void deletingTheConversationBeingWrittenStopsAndClosesIt()
    {
        Harness h(freshDb(), m_model);
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(5000);
        QVERIFY(h.chat.send("chat ay tells a long story"));
        QTRY_VERIFY(h.count() == 2 && h.text(1).contains("w2"));
        const qint64 id = h.chat.currentConversationId();
        QCOMPARE(h.chat.writingConversationId(), id);
        QCOMPARE(h.library.conversations()->rowCount(), 1);

        QSignalSpy finished(&h.chat, &ChatController::replyFinished);
        h.library.remove(id);
        QCOMPARE(h.chat.currentConversationId(), qint64(0));
        QCOMPARE(h.count(), 0);
        QCOMPARE(h.library.conversations()->rowCount(), 0);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(1).toString(), QString("interrupted"));
        QVERIFY(!h.chat.generating());
        QVERIFY(h.chat.canSend());

        // Undo brings it back, with the reply as far as it got.
        h.library.undoRemove();
        QTRY_COMPARE(h.library.conversations()->rowCount(), 1);
        h.chat.openConversation(id);
        QTRY_COMPARE(h.count(), 2);
        QVERIFY(h.text(1).contains("w2"));
    }

    void contextOverflowIsTold()
    {
        Harness h(freshDb(), QString());
        QTRY_VERIFY(h.store.ready());
        h.settings.setContextSize(12); // the fake counts one token per word
        h.settings.setMaxTokens(2);
        h.model.open(m_model);
        QTRY_VERIFY(h.chat.canSend());
        QVERIFY(h.chat.send("one two three four five six"));
        QVERIFY(waitReply(h));
        QVERIFY(h.chat.notice().isEmpty());
        QVERIFY(h.chat.send("seven eight nine ten"));
        QVERIFY(waitReply(h));
        QVERIFY2(h.chat.notice().contains("context window"), qPrintable(h.chat.notice()));
        QCOMPARE(h.chat.noticeKind(), QString("warning"));
    }

    void documentPassagesAnswerFollowUps()
    {
        const QString db = freshDb();
        Harness h(db, m_model);
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(2);
        QVERIFY(h.chat.send("system? before any document"));
        QVERIFY(waitReply(h));
        QVERIFY(!h.text(1).contains("lighthouse"));
        const qint64 conversation = h.chat.currentConversationId();
        {
            // Attach a document as the summarize flow does: its text and passages.
            auto opened = hearth::storage::Database::open(db.toStdString());
            QVERIFY(opened.ok());
            hearth::storage::Documents documents(opened.value());
            auto doc = documents.addDocument(conversation, "/tmp/report.txt", "c0ffee",
                "The lighthouse keeper logs every ship. Tea is served at four.");
            QVERIFY(doc.ok());
            QVERIFY(
                documents
                    .addPassages(doc->id,
                        { { "The lighthouse keeper logs every ship.", 0 }, { "Tea is served at four.", 39 } })
                    .ok());
        }
        // The follow-up question is answered with the passage that matches it in the system message.
        QVERIFY(h.chat.send("system? who logs the ships at the lighthouse"));
        QVERIFY(waitReply(h));
        QVERIFY2(h.text(3).contains("The lighthouse keeper logs every ship."), qPrintable(h.text(3)));
    }

    void engineKilledMidReply()
    {
        qputenv("HEARTH_FAKE_DELAY_MS", "20");
        const QString db = freshDb();
        Harness h(db, m_model);
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(5000);
        QVERIFY(h.chat.send("keep going"));
        QTRY_VERIFY(h.count() == 2 && h.text(1).contains("w5"));
        const qint64 pid = h.engine.processId();
        h.engine.killEngine();
        QVERIFY(waitReply(h, 5000));
        // The window survived; the reply is kept with its text and marked.
        QCOMPARE(h.role(1, MessageModel::StatusRole), QString("interrupted"));
        QVERIFY(h.text(1).contains("w5"));
        QVERIFY(h.chat.notice().contains("interrupted"));
        QVERIFY(h.chat.notice().contains("Restarting"));
        QCOMPARE(h.role(1, MessageModel::InterruptionRole), QString("engine"));
        const QString partial = h.text(1);
        // A fresh engine reloads the model by itself and the next message works; the notice says
        // the engine is back.
        QTRY_VERIFY_WITH_TIMEOUT(h.chat.canSend(), 10000);
        QVERIFY(h.engine.processId() != pid);
        QCOMPARE(h.engine.restarts(), 1);
        QTRY_VERIFY2(
            h.chat.notice().contains("restarted and the model is loaded again"), qPrintable(h.chat.notice()));
        QVERIFY(!h.chat.notice().contains("Restarting"));
        QVERIFY(h.chat.notice().contains("Continue"));
        QCOMPARE(h.chat.noticeKind(), QString("info"));
        qputenv("HEARTH_FAKE_DELAY_MS", "2");
        h.settings.setMaxTokens(3);
        QVERIFY(h.chat.send("are you back?"));
        QVERIFY(waitReply(h));
        QCOMPARE(h.role(3, MessageModel::StatusRole), QString("complete"));
        QVERIFY(h.text(3).startsWith("Echo: are you back?"));
        // What the database holds: the partial text, interrupted.
        h.store.waitForIdle();
        auto opened = Database::open(db.toStdString());
        QVERIFY(opened.ok());
        auto stored = Messages(opened.value()).get(h.chat.messages()->messageAt(1)->id);
        QVERIFY(stored.ok());
        QCOMPARE(stored->status, MessageStatus::Interrupted);
        QCOMPARE(QString::fromStdString(stored->text), partial);
        // Why, and how much: the engine stopped, after a token per word received ("Echo:" and
        // "keep going" came as one piece, then " w1" ... " wN").
        QCOMPARE(stored->interruption, Interruption::EngineStopped);
        QCOMPARE(stored->completionTokens, int(partial.count(" w")) + 1);
        QVERIFY(stored->tokensPerSecond > 0);
        // The interrupted reply is no longer the last one: Continue is refused, and says why.
        QVERIFY(!h.chat.continueReply(stored->id));
        QVERIFY(h.chat.notice().contains("last reply"));
    }

    void engineAbortsByItself()
    {
        Harness h(freshDb(), m_model);
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(3);
        QVERIFY(h.chat.send("crash now"));
        QVERIFY(waitReply(h, 5000));
        QCOMPARE(h.role(1, MessageModel::StatusRole), QString("interrupted"));
        QTRY_VERIFY_WITH_TIMEOUT(h.chat.canSend(), 10000);
        QVERIFY(h.chat.send("hello again"));
        QVERIFY(waitReply(h));
        QCOMPARE(h.role(3, MessageModel::StatusRole), QString("complete"));
    }

    void gpuEngineDeathReloadsOnCpu()
    {
        // The fake engine reports the backend it was asked for; a death on "vulkan" must come back on the
        // CPU.
        Harness h(freshDb(), QString());
        QTRY_VERIFY(h.store.ready());
        h.settings.setBackend("vulkan");
        h.model.open(m_model);
        QTRY_COMPARE(h.model.state(), QString("loaded"));
        QCOMPARE(h.model.info().value("backend").toString(), QString("vulkan"));
        h.engine.killEngine();
        QTRY_COMPARE(h.model.state(), QString("loading"));
        QTRY_COMPARE_WITH_TIMEOUT(h.model.state(), QString("loaded"), 10000);
        QCOMPARE(h.model.info().value("backend").toString(), QString("cpu"));
        QTRY_VERIFY2(h.chat.notice().contains("loaded again, on the CPU"), qPrintable(h.chat.notice()));
    }

    void perConversationOverrides()
    {
        Harness h(freshDb(), m_model);
        QTRY_VERIFY(h.chat.canSend());
        h.settings.setMaxTokens(7);
        QVERIFY(h.chat.send("x"));
        QVERIFY(waitReply(h));
        QCOMPARE(h.chat.lastStats().value("generatedTokens").toInt(), 7);
        h.chat.setOverride("maxTokens", 2);
        QCOMPARE(h.settings.effectiveMaxTokens(h.chat.overrides()), 2);
        QVERIFY(h.chat.send("y"));
        QVERIFY(waitReply(h));
        QCOMPARE(h.chat.lastStats().value("generatedTokens").toInt(), 2);
        // Stored with the conversation: reopening brings the override back.
        const qint64 id = h.chat.currentConversationId();
        h.chat.newConversation();
        QVERIFY(h.chat.overrides().isEmpty());
        h.chat.openConversation(id);
        QTRY_COMPARE(h.chat.overrides().value("maxTokens").toInt(), 2);
    }
};

QTEST_MAIN(ChatControllerTest)
#include "tst_chatcontroller.moc"
