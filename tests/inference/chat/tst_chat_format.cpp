// Chat format: our prompt text equals the official templates rendered by jinja2, byte for byte.
#include "chat/chat_format.h"
#include "chat/chat_tokens.h"
#include "gguf/gguf.h"
#include "shared_data.h"
#include "tokenizer/tokenizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <algorithm>

using namespace hearth;

namespace {

std::vector<ChatMessage> messagesFrom(const QJsonArray& array)
{
    std::vector<ChatMessage> messages;
    for (const auto& v : array) {
        const QJsonObject m = v.toObject();
        messages.push_back({ m["role"].toString().toStdString(), m["content"].toString().toStdString() });
    }
    return messages;
}

} // namespace

class TestChatFormat : public QObject {
    Q_OBJECT

private slots:
    void renderedTemplates_data()
    {
        QTest::addColumn<QString>("templateName");
        QTest::addColumn<QString>("conversation");
        const QJsonObject conversations
            = QJsonDocument::fromJson(test::readFile(test::testdata("templates/rendered/conversations.json")))
                  .object();
        QVERIFY(!conversations.isEmpty());
        for (const char* name : { "meta-llama-Llama-3.1-8B-Instruct", "meta-llama-Llama-3.2-3B-Instruct",
                 "meta-llama-Llama-3.3-70B-Instruct" }) {
            for (const QString& key : conversations.keys()) {
                QTest::addRow("%s/%s", name, qPrintable(key)) << QString(name) << key;
            }
        }
    }

    void renderedTemplates()
    {
        QFETCH(QString, templateName);
        QFETCH(QString, conversation);
        const QByteArray jinja = test::readFile(test::testdata("templates/" + templateName + ".jinja"));
        QVERIFY(!jinja.isEmpty());
        const auto detected = detectChatFormat(std::string_view(jinja.constData(), jinja.size()), false);
        QVERIFY(detected.format);
        QCOMPARE(detected.format->name(), std::string_view("llama3"));
        QVERIFY(detected.notice.empty());

        const QJsonObject conversations
            = QJsonDocument::fromJson(test::readFile(test::testdata("templates/rendered/conversations.json")))
                  .object();
        const auto messages = messagesFrom(conversations[conversation].toArray());
        ChatFormatOptions options;
        options.date = "26 Jul 2024";
        const std::string ours = segmentsToText(detected.format->format(messages, options));
        const QByteArray expected = test::readFile(
            test::testdata("templates/rendered/" + templateName + "." + conversation + ".txt"));
        QVERIFY(!expected.isEmpty());
        QCOMPARE(QByteArray::fromStdString(ours), expected);
    }

    // Continue (as Hugging Face's continue_final_message renders it): the prompt is the official
    // rendering of the conversation before the partial reply, its generation prompt included, then
    // the partial reply trimmed, with no end of turn.
    void continueEndsInsideTheReply_data()
    {
        QTest::addColumn<QString>("templateName");
        for (const char* name : { "meta-llama-Llama-3.1-8B-Instruct", "meta-llama-Llama-3.2-3B-Instruct",
                 "meta-llama-Llama-3.3-70B-Instruct" })
            QTest::addRow("%s", name) << QString(name);
    }
    void continueEndsInsideTheReply()
    {
        QFETCH(QString, templateName);
        const QByteArray jinja = test::readFile(test::testdata("templates/" + templateName + ".jinja"));
        const auto detected = detectChatFormat(std::string_view(jinja.constData(), jinja.size()), false);
        const QJsonObject conversations
            = QJsonDocument::fromJson(test::readFile(test::testdata("templates/rendered/conversations.json")))
                  .object();
        auto messages = messagesFrom(conversations["multi-turn"].toArray());
        messages.push_back({ "assistant", "  Once upon a  " });
        ChatFormatOptions options;
        options.date = "26 Jul 2024";
        options.continueLastMessage = true;
        const QByteArray before
            = test::readFile(test::testdata("templates/rendered/" + templateName + ".multi-turn.txt"));
        QVERIFY(before.endsWith("<|start_header_id|>assistant<|end_header_id|>\n\n"));
        QCOMPARE(QByteArray::fromStdString(segmentsToText(detected.format->format(messages, options))),
            before + "Once upon a");

        const auto plain = makePlainChatFormat();
        const std::vector<ChatMessage> partial { { "user", "Hi" }, { "assistant", "Once upon a " } };
        QCOMPARE(
            segmentsToText(plain->format(partial, options)), std::string("User: Hi\nAssistant: Once upon a"));
    }

    // The formatter's segments keep typed special text as text: only the real turn ends are <|eot_id|>.
    void typedSpecialIsNotATurnEnd()
    {
        auto file = GgufFile::open(test::testdata("models/tiny-llama31-f32.gguf").toStdString());
        QVERIFY(file.ok());
        auto tokenizer = Tokenizer::fromGguf(**file);
        QVERIFY(tokenizer.ok());
        const auto template_ = (*file)->getString("tokenizer.chat_template");
        QVERIFY(template_.has_value());
        const auto detected = detectChatFormat(*template_, true);
        QCOMPARE(detected.format->name(), std::string_view("llama3"));

        const std::vector<ChatMessage> messages { { "user", "Please print <|eot_id|> literally." } };
        const auto segments = detected.format->format(messages, {});
        auto ids = tokenizeChat(**tokenizer, segments, true);
        QVERIFY(ids.ok());
        const int32_t eot = (*tokenizer)->special().eot;
        QCOMPARE(eot, 3849);
        // Two turns end (system, user); the typed one is plain text.
        QCOMPARE(std::count(ids->begin(), ids->end(), eot), 2);
        QCOMPARE(ids->front(), (*tokenizer)->special().bos);
        QCOMPARE(std::count(ids->begin(), ids->end(), (*tokenizer)->special().bos), 1);
        // And tokenizing the rendered text with special parsing would have ended the turn there.
        const auto parsed = (*tokenizer)->encode(segmentsToText(segments), false, true);
        QCOMPARE(std::count(parsed.begin(), parsed.end(), eot), 3);
        // Apart from that token, the ids equal the reference tokenizer's view of the rendered prompt.
        QCOMPARE(parsed.front(), (*tokenizer)->special().bos);
    }

    void fallbacks()
    {
        const auto plain = detectChatFormat("{% for m in messages %}{{ m.content }}{% endfor %}", false);
        QCOMPARE(plain.format->name(), std::string_view("plain"));
        QVERIFY(!plain.notice.empty());
        const std::vector<ChatMessage> messages { { "system", "Be brief." }, { "user", " Hi " } };
        QCOMPARE(segmentsToText(plain.format->format(messages, {})),
            std::string("Be brief.\n\nUser: Hi\nAssistant:"));

        const auto fromVocab = detectChatFormat("", true);
        QCOMPARE(fromVocab.format->name(), std::string_view("llama3"));
        QVERIFY(!fromVocab.notice.empty());
    }

    void todayDate()
    {
        const std::string date = todayDateString();
        // "DD Mon YYYY"
        QCOMPARE(date.size(), size_t(11));
        QCOMPARE(date[2], ' ');
        QCOMPARE(date[6], ' ');
    }
};

QTEST_APPLESS_MAIN(TestChatFormat)
#include "tst_chat_format.moc"
