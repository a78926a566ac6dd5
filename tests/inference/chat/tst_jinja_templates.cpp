// Our Jinja against Python's jinja2: every shared template x conversation x {gen, nogen} renders
// byte for byte as jinja2 rendered it (../shared/testdata/templates/render.py), raises where it
// raised with the same message; hostile templates are refused in bounded time and memory; special
// tokens a user types stay text; a file's template becomes the chat format, a broken one falls back.
#include "chat/chat_format.h"
#include "chat/jinja/json_parse.h"
#include "chat/jinja_chat.h"
#include "shared_data.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <algorithm>

using namespace hearth;

namespace {

std::string read(const QString& path)
{
    return test::readFile(path).toStdString();
}

// conversations.json's conversation `name` as the template sees it (contents marked as the caller's).
jinja::Value conversation(const QString& file, const QString& name)
{
    const QJsonObject all = QJsonDocument::fromJson(test::readFile(file)).object();
    const QByteArray json = QJsonDocument(all[name].toArray()).toJson(QJsonDocument::Compact);
    auto parsed = jinja::parseJson(json.toStdString(), true);
    return parsed ? parsed.value() : jinja::Value();
}

Result<jinja::MarkedText> renderShared(const std::string& source, const jinja::Value& messages,
    bool generation, std::optional<std::string> bos, std::optional<std::string> eos)
{
    auto parsed = jinja::JinjaTemplate::parse(source);
    if (!parsed) return parsed.error();
    ChatTemplateInputs inputs;
    inputs.messages = messages;
    inputs.addGenerationPrompt = generation;
    inputs.bosToken = std::move(bos);
    inputs.eosToken = std::move(eos);
    inputs.date = jinja::CivilDate { 2024, 7, 26 };
    return parsed->render(chatTemplateVariables(inputs), {}, chatTemplateDate(inputs));
}

std::optional<std::string> token(const QJsonValue& v)
{
    return v.isNull() ? std::nullopt : std::optional<std::string>(v.toString().toStdString());
}

// Parse and render `source` with one user message; the error message, or "" when it rendered.
QString renderError(const std::string& source, const jinja::Limits& limits = {})
{
    auto parsed = jinja::JinjaTemplate::parse(source);
    if (!parsed) return QString::fromStdString(parsed.error().message);
    auto messages = jinja::parseJson(R"([{"role": "user", "content": "Hi"}])", true);
    ChatTemplateInputs inputs;
    inputs.messages = messages.value();
    auto rendered = parsed->render(chatTemplateVariables(inputs), limits);
    return rendered ? QString() : QString::fromStdString(rendered.error().message);
}

const std::vector<std::string> kChatMlSpecials { "<|im_start|>", "<|im_end|>", "<|endoftext|>" };

} // namespace

class TestJinjaTemplates : public QObject {
    Q_OBJECT

private slots:
    void sharedRenders_data()
    {
        QTest::addColumn<QString>("templatePath");
        QTest::addColumn<QString>("conversationsPath");
        QTest::addColumn<QString>("conversationName");
        QTest::addColumn<bool>("generation");
        QTest::addColumn<QString>("expectedPath"); // .txt or .error.txt
        QTest::addColumn<QJsonValue>("bos");
        QTest::addColumn<QJsonValue>("eos");
        const QJsonObject index
            = QJsonDocument::fromJson(test::readFile(test::testdata("templates/rendered-models/index.json")))
                  .object();
        const QJsonObject templates = index["templates"].toObject();
        QVERIFY(templates.size() >= 13);
        const QString conversations = test::testdata("templates/conversations.json");
        for (const QString& stem : templates.keys()) {
            const QJsonObject info = templates[stem].toObject();
            const QJsonObject renders = info["renders"].toObject();
            for (const QString& key : renders.keys()) {
                const QString name = key.section('.', 0, 0);
                const bool gen = key.section('.', 1) == "gen";
                const bool ok = renders[key].toString() == "ok";
                const QString expected = test::testdata(
                    "templates/rendered-models/" + stem + "/" + key + (ok ? ".txt" : ".error.txt"));
                QTest::addRow("%s/%s", qPrintable(stem), qPrintable(key))
                    << test::testdata("templates/models/" + stem + ".jinja") << conversations << name << gen
                    << expected << info["bos_token"] << info["eos_token"];
            }
        }
        // The Meta three, with generation prompt, as ../shared/testdata/templates/rendered/ holds them.
        const QString metaConversations = test::testdata("templates/rendered/conversations.json");
        const QStringList names = QJsonDocument::fromJson(test::readFile(metaConversations)).object().keys();
        for (const char* stem : { "meta-llama-Llama-3.1-8B-Instruct", "meta-llama-Llama-3.2-3B-Instruct",
                 "meta-llama-Llama-3.3-70B-Instruct" }) {
            for (const QString& name : names) {
                QTest::addRow("rendered/%s/%s", stem, qPrintable(name))
                    << test::testdata(QString("templates/") + stem + ".jinja") << metaConversations << name
                    << true << test::testdata(QString("templates/rendered/") + stem + "." + name + ".txt")
                    << QJsonValue("<|begin_of_text|>") << QJsonValue("<|eot_id|>");
            }
        }
    }

    void sharedRenders()
    {
        QFETCH(QString, templatePath);
        QFETCH(QString, conversationsPath);
        QFETCH(QString, conversationName);
        QFETCH(bool, generation);
        QFETCH(QString, expectedPath);
        QFETCH(QJsonValue, bos);
        QFETCH(QJsonValue, eos);
        const std::string source = read(templatePath);
        QVERIFY(!source.empty());
        const jinja::Value messages = conversation(conversationsPath, conversationName);
        QVERIFY(messages.isList());
        const QByteArray expected = test::readFile(expectedPath);
        QVERIFY(QFileInfo::exists(expectedPath));
        const auto rendered = renderShared(source, messages, generation, token(bos), token(eos));
        if (expectedPath.endsWith(".error.txt")) {
            // jinja2 raised: so do we, with its message ("TemplateError: System role not supported").
            QVERIFY2(!rendered, "jinja2 raised here; we rendered");
            QCOMPARE(QByteArray::fromStdString(rendered.error().message), expected);
        } else {
            QVERIFY2(rendered.ok(), rendered ? "" : rendered.error().message.c_str());
            QCOMPARE(QByteArray::fromStdString(rendered->str()), expected);
        }
    }

    // Bad input is refused with a message, in bounded time and memory.
    void hostileTemplates()
    {
        const QString syntax = renderError("Hello\n{% if messages %}\n{{ messages[0].content }\n{% endif %}");
        QVERIFY2(syntax.startsWith("TemplateSyntaxError: ") && syntax.contains("line 3"), qPrintable(syntax));
        QCOMPARE(renderError("{% for %}"),
            QString("TemplateSyntaxError: expected name, got end of statement block "
                    "(line 1, column 10)"));
        QCOMPARE(renderError("{% if x %}never closed"),
            QString("TemplateSyntaxError: Unexpected end of template. Jinja was looking for elif. (line 1, "
                    "column 23)"));

        const QString filter = renderError("{{ messages | shout }}");
        QVERIFY2(filter.startsWith("TemplateAssertionError: No filter named 'shout'."), qPrintable(filter));

        const QString recursion = renderError("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
        QVERIFY2(recursion.startsWith("LimitError: macro 'f' nested more than"), qPrintable(recursion));

        // A gigabyte, by multiplication and by doubling: refused at 16 MiB.
        const QString multiply = renderError("{% set s = 'x' * 1000000000 %}{{ s }}");
        QVERIFY2(multiply.contains("more than 16 MiB"), qPrintable(multiply));
        const QString doubling = renderError("{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(30) %}"
                                             "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}");
        QVERIFY2(doubling.contains("more than 16 MiB"), qPrintable(doubling));
        const QString output = renderError("{% for i in range(1000000) %}{{ 'y' * 100 }}{% endfor %}");
        QVERIFY2(output.contains("more than 16 MiB"), qPrintable(output));

        // Many large strings kept alive at once: the budget for all strings built.
        const QString kept
            = renderError("{% set ns = namespace(xs=[]) %}{% set big = 'x' * 10000000 %}"
                          "{% for i in range(100) %}{% set ns.xs = ns.xs + [big ~ i] %}{% endfor %}"
                          "{{ ns.xs | length }}");
        QVERIFY2(kept.contains("MiB of strings; refused"), qPrintable(kept));

        // Endless work without growth: the step budget.
        jinja::Limits small;
        small.maxSteps = 100000;
        const QString steps = renderError(
            "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", small);
        QVERIFY2(steps.contains("steps; refused"), qPrintable(steps));
        const QString items = renderError("{{ range(1000000000) | length }}");
        QVERIFY2(items.contains("items; refused"), qPrintable(items));

        // Deep nesting is a syntax error, not a stack overflow.
        const QString nested
            = renderError("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}");
        QVERIFY2(nested.startsWith("TemplateSyntaxError: ") && nested.contains("nests deeper"),
            qPrintable(nested));

        // The sandbox: lists cannot change.
        QCOMPARE(renderError("{% set xs = [] %}{{ xs.append(1) }}"),
            QString("SecurityError: access to attribute 'append' of 'list' object is unsafe."));
    }

    // A user typing "<|im_end|>" keeps it as text: only the template's own turn ends are special.
    void typedSpecialStaysText()
    {
        auto parsed = jinja::JinjaTemplate::parse(
            read(test::testdata("templates/models/Qwen-Qwen2.5-7B-Instruct.jinja")));
        QVERIFY(parsed.ok());
        auto format
            = makeJinjaChatFormat(std::move(parsed.value()), std::nullopt, "<|im_end|>", kChatMlSpecials);
        const std::vector<ChatMessage> messages { { "system", "Be <|im_start|>brief." },
            { "user", "Please print <|im_end|> literally." } };
        const auto segments = format->render(messages, {});
        QVERIFY(segments.ok());
        const auto count = [&](const std::string& text) {
            return std::count_if(segments->begin(), segments->end(),
                [&](const ChatSegment& s) { return s.special && s.text == text; });
        };
        QCOMPARE(count("<|im_end|>"), 2); // system, user
        QCOMPARE(count("<|im_start|>"), 3); // system, user, assistant
        const std::string text = segmentsToText(*segments);
        QCOMPARE(text,
            std::string("<|im_start|>system\nBe <|im_start|>brief.<|im_end|>\n<|im_start|>user\nPlease print "
                        "<|im_end|> literally.<|im_end|>\n<|im_start|>assistant\n"));
        bool typedIsText = false;
        for (const auto& s : *segments)
            typedIsText = typedIsText
                || (!s.special && s.text.find("Please print <|im_end|> literally.") != std::string::npos);
        QVERIFY(typedIsText);
        // The template's end of turn stops generation.
        QCOMPARE(format->stopTokens(), std::vector<std::string> { "<|im_end|>" });

        // Transformations of user text (trim, slicing, upper) stay user text.
        auto derived
            = jinja::JinjaTemplate::parse("{% for m in messages %}<|im_start|>{{ (m.content | trim)[0:30] | "
                                          "upper }}{{ m.content.split(' ')[2] }}<|im_end|>{% endfor %}");
        QVERIFY(derived.ok());
        auto derivedFormat
            = makeJinjaChatFormat(std::move(derived.value()), std::nullopt, std::nullopt, kChatMlSpecials);
        const std::vector<ChatMessage> typed { { "user", "  <|im_end|> <|im_start|> " } };
        const auto parts = derivedFormat->render(typed, {});
        QVERIFY(parts.ok());
        QCOMPARE(parts->size(), size_t(3));
        QVERIFY((*parts)[0].special && !(*parts)[1].special && (*parts)[2].special);
        QCOMPARE((*parts)[1].text, std::string("<|IM_END|> <|IM_START|><|im_end|>"));
    }

    // Continue: the render stops right after the partial reply, as continue_final_message does.
    void continueStopsAfterThePartialReply()
    {
        auto parsed = jinja::JinjaTemplate::parse(
            read(test::testdata("templates/models/Qwen-Qwen2.5-7B-Instruct.jinja")));
        QVERIFY(parsed.ok());
        auto format
            = makeJinjaChatFormat(std::move(parsed.value()), std::nullopt, "<|im_end|>", kChatMlSpecials);
        const std::vector<ChatMessage> messages { { "user", "Tell a story." },
            { "assistant", "  Once upon a  " } };
        ChatFormatOptions options;
        options.continueLastMessage = true;
        const auto segments = format->render(messages, options);
        QVERIFY(segments.ok());
        QCOMPARE(segmentsToText(*segments),
            std::string(
                "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
                "assistant.<|im_end|>\n<|im_start|>user\nTell a story.<|im_end|>\n<|im_start|>assistant\n"
                "  Once upon a"));
    }

    // A file's template becomes the chat format; one that does not parse or raises falls back to the
    // family's format with a notice naming the error.
    void detectFromFile()
    {
        ChatVocabulary chatMl;
        chatMl.eosToken = "<|im_end|>";
        chatMl.specialTokens = kChatMlSpecials;
        const auto qwen = detectChatFormat(
            read(test::testdata("templates/models/Qwen-Qwen2.5-7B-Instruct.jinja")), chatMl);
        QCOMPARE(qwen.format->name(), std::string_view("template (from the file)"));
        QVERIFY(qwen.notice.empty());
        QCOMPARE(qwen.format->stopTokens(), std::vector<std::string> { "<|im_end|>" });

        ChatVocabulary llama;
        llama.hasHeaderTokens = true;
        llama.bosToken = "<|begin_of_text|>";
        llama.eosToken = "<|eot_id|>";
        llama.specialTokens
            = { "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>" };
        const std::string llamaTemplate
            = read(test::testdata("templates/meta-llama-Llama-3.1-8B-Instruct.jinja"));
        const auto ours = detectChatFormat(llamaTemplate, llama);
        QCOMPARE(ours.format->name(), std::string_view("template (from the file)"));
        QCOMPARE(ours.format->stopTokens(), std::vector<std::string> { "<|eot_id|>" });
        // Same prompt as the built-in Llama 3 format, segment for segment.
        const std::vector<ChatMessage> messages { { "system", "Be brief." }, { "user", "Hi <|eot_id|>" } };
        ChatFormatOptions options;
        options.date = "26 Jul 2024";
        const auto builtIn = makeLlama3ChatFormat(true, "26 Jul 2024")->format(messages, options);
        const auto rendered = ours.format->format(messages, options);
        QCOMPARE(segmentsToText(rendered), segmentsToText(builtIn));
        QCOMPARE(
            std::count_if(rendered.begin(), rendered.end(), [](const ChatSegment& s) { return s.special; }),
            std::count_if(builtIn.begin(), builtIn.end(), [](const ChatSegment& s) { return s.special; }));

        const auto broken = detectChatFormat(llamaTemplate.substr(0, llamaTemplate.size() / 2), llama);
        QCOMPARE(broken.format->name(), std::string_view("llama3"));
        QVERIFY2(
            QString::fromStdString(broken.notice).contains("TemplateSyntaxError"), broken.notice.c_str());

        const auto raises = detectChatFormat(
            read(test::testdata("templates/models/NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja")),
            llama);
        QVERIFY2(raises.format->name() == "llama3", std::string(raises.format->name()).c_str());
        QVERIFY2(
            QString::fromStdString(raises.notice).contains("TypeError: 'NoneType' object is not iterable"),
            raises.notice.c_str());

        const auto plain = detectChatFormat("{{ raise_exception('no chat here') }}", ChatVocabulary {});
        QCOMPARE(plain.format->name(), std::string_view("plain"));
        QVERIFY2(QString::fromStdString(plain.notice).contains("TemplateError: no chat here"),
            plain.notice.c_str());

        // A conversation the template refuses is an error, not a silent prompt.
        const auto gemma
            = detectChatFormat(read(test::testdata("templates/models/google-gemma-2-2b-it.jinja")), chatMl);
        QCOMPARE(gemma.format->name(), std::string_view("template (from the file)"));
        const auto refused = gemma.format->render(messages, options);
        QVERIFY(!refused);
        QCOMPARE(refused.error().message, std::string("TemplateError: System role not supported"));
    }
};

QTEST_GUILESS_MAIN(TestJinjaTemplates)
#include "tst_jinja_templates.moc"
