// The GUI's C++ models under QAbstractItemModelTester, and the exact change signals the streaming
// view relies on: appendText → dataChanged for one row and one role; setThread keeps common rows.
#include "conversationlistmodel.h"
#include "messagemodel.h"
#include "searchresultmodel.h"
#include "texttools.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace hearth::storage;

namespace {

Message makeMessage(std::int64_t id, Role role, const std::string& text, std::int64_t parent = 0)
{
    Message m;
    m.id = id;
    m.conversationId = 1;
    m.parentId = parent;
    m.role = role;
    m.text = text;
    return m;
}

Conversation makeConversation(
    std::int64_t id, const std::string& title, std::int64_t updated, bool pinned = false)
{
    Conversation c;
    c.id = id;
    c.title = title;
    c.updatedAt = updated;
    c.pinned = pinned;
    return c;
}

} // namespace

class ModelsTest : public QObject {
    Q_OBJECT

private slots:
    void messageModelStreamsOneRowOneRole()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setThread({ makeMessage(1, Role::User, "hi"), makeMessage(2, Role::Assistant, "", 1) });
        QCOMPARE(model.rowCount(), 2);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.appendText(1, "Once");
        model.appendText(1, " upon");
        QCOMPARE(changed.size(), 2);
        for (const auto& args : changed) {
            QCOMPARE(args[0].toModelIndex().row(), 1);
            QCOMPARE(args[1].toModelIndex().row(), 1);
            QCOMPARE(args[2].value<QList<int>>(), QList<int> { MessageModel::TextRole });
        }
        QCOMPARE(model.data(model.index(1), MessageModel::TextRole).toString(), QString("Once upon"));
        QCOMPARE(model.data(model.index(1), MessageModel::RoleRole).toString(), QString("assistant"));
        QCOMPARE(model.data(model.index(1), MessageModel::StatusRole).toString(), QString("complete"));
    }

    void messageModelUpdateSignalsOnlyChangedRoles()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Message reply = makeMessage(2, Role::Assistant, "", 1);
        reply.status = MessageStatus::Streaming;
        model.setThread({ makeMessage(1, Role::User, "hi"), reply });
        model.appendText(1, "done");
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        reply.text = "done";
        reply.status = MessageStatus::Interrupted;
        reply.error = "Stopped";
        model.updateMessage(reply);
        QCOMPARE(changed.size(), 1);
        QList<int> roles = changed[0][2].value<QList<int>>();
        std::sort(roles.begin(), roles.end());
        QList<int> expected { MessageModel::TextRole, MessageModel::StatusRole, MessageModel::ErrorRole };
        std::sort(expected.begin(), expected.end());
        QCOMPARE(roles, expected);
    }

    void setThreadKeepsCommonPrefix()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setThread({ makeMessage(1, Role::User, "a"), makeMessage(2, Role::Assistant, "b", 1),
            makeMessage(3, Role::User, "c", 2), makeMessage(4, Role::Assistant, "d", 3) });
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // Regenerate the last reply: row 3 is replaced by its sibling; rows 0-2 stay, row 2 unchanged.
        Message alt = makeMessage(5, Role::Assistant, "", 3);
        alt.siblingIndex = 1;
        alt.siblingCount = 2;
        model.setThread({ makeMessage(1, Role::User, "a"), makeMessage(2, Role::Assistant, "b", 1),
            makeMessage(3, Role::User, "c", 2), alt });
        QCOMPARE(reset.size(), 0);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed[0][1].toInt(), 3);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted[0][1].toInt(), 3);
        QCOMPARE(changed.size(), 0);
        QCOMPARE(model.data(model.index(3), MessageModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(model.rowForId(5), 3);
        QCOMPARE(model.rowForId(4), -1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void conversationOrderPinnedThenNewest()
    {
        ConversationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setConversations({ makeConversation(1, "old", 100), makeConversation(2, "new", 300),
            makeConversation(3, "pinned", 50, true) });
        auto titles = [&] {
            QStringList t;
            for (int i = 0; i < model.rowCount(); ++i)
                t << model.data(model.index(i), ConversationListModel::TitleRole).toString();
            return t;
        };
        QCOMPARE(titles(), (QStringList { "pinned", "new", "old" }));

        // A reply in "old" moves it to the top of the unpinned ones: a move, not a reset.
        QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.upsert(makeConversation(1, "old", 400));
        QCOMPARE(titles(), (QStringList { "pinned", "old", "new" }));
        QCOMPARE(moved.size(), 1);
        QCOMPARE(reset.size(), 0);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.upsert(makeConversation(2, "renamed", 300));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0][2].value<QList<int>>(), QList<int> { ConversationListModel::TitleRole });

        model.upsert(makeConversation(4, "brand new", 500));
        QCOMPARE(titles(), (QStringList { "pinned", "brand new", "old", "renamed" }));
        model.upsert(makeConversation(2, "renamed", 300, true));
        QCOMPARE(titles().first(), QString("renamed"));
        model.remove(3);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowForId(3), -1);
    }

    void searchSnippetsAreEscapedAndHighlighted()
    {
        SearchResultModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        SearchHit hit;
        hit.conversationId = 7;
        hit.messageId = 9;
        hit.conversationTitle = "Cats";
        hit.snippet
            = std::string("a <b>tag</b> and ") + SearchResultModel::kOpen + "cat" + SearchResultModel::kClose;
        model.setHits({ hit });
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0), SearchResultModel::SnippetRole).toString(),
            QString("a &lt;b&gt;tag&lt;/b&gt; and <b>cat</b>"));
        QCOMPARE(model.data(model.index(0), SearchResultModel::MessageIdRole).toLongLong(), 9);
        model.setHits({});
        QCOMPARE(model.rowCount(), 0);
    }

    void markdownSegments_data()
    {
        QTest::addColumn<QString>("markdown");
        QTest::addColumn<QStringList>("kinds");
        QTest::addColumn<QString>("firstCode");
        QTest::newRow("prose only") << "Hello **world**" << QStringList { "text" } << QString();
        QTest::newRow("code between prose") << "Try this:\n```python\nprint(1)\nprint(2)\n```\nThen run it."
                                            << QStringList { "text", "code", "text" } << "print(1)\nprint(2)";
        QTest::newRow("unclosed fence while streaming")
            << "Here:\n```cpp\nint main() {" << QStringList { "text", "code" } << "int main() {";
        QTest::newRow("empty") << "" << QStringList {} << QString();
    }
    void markdownSegments()
    {
        QFETCH(QString, markdown);
        QFETCH(QStringList, kinds);
        QFETCH(QString, firstCode);
        const QVariantList segments = TextTools::segments(markdown);
        QStringList got;
        QString code;
        for (const QVariant& s : segments) {
            const QVariantMap m = s.toMap();
            got << m.value("kind").toString();
            if (code.isEmpty() && m.value("kind") == "code") code = m.value("text").toString();
        }
        QCOMPARE(got, kinds);
        QCOMPARE(code, firstCode);
    }
};

QTEST_MAIN(ModelsTest)
#include "tst_models.moc"
