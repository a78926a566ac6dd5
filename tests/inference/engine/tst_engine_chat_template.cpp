// The engine takes its chat format from the model file's template: our Jinja renders it; a template
// that does not parse falls back to the Llama 3 format with a notice naming the error; a
// conversation the template refuses is an error with the template's message, never a silent prompt.
#include "engine.h"
#include "engine_test_helpers.h"
#include "gguf/gguf.h"
#include "gguf/gguf_writer.h"
#include "shared_data.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace hearth;
using namespace hearth::test;

namespace {

// tiny-llama31-f32 with `chatTemplate` in place of its own, written to `path`.
bool writeWithTemplate(const std::string& chatTemplate, const std::string& path)
{
    auto file = GgufFile::open(testdata("models/tiny-llama31-f32.gguf").toStdString());
    if (!file) return false;
    GgufWriter writer;
    for (const auto& [key, value] : (*file)->metadata())
        writer.set(key, value);
    writer.setString("tokenizer.chat_template", chatTemplate);
    for (const auto& tensor : (*file)->tensors())
        if (!writer.addTensor(tensor.name, tensor.type, tensor.shape)) return false;
    if (!writer.open(path)) return false;
    for (const auto& tensor : (*file)->tensors())
        if (!writer.writeData(tensor.data, tensor.byteSize)) return false;
    return writer.finish().ok();
}

std::unique_ptr<Engine> loadPath(const std::string& path)
{
    auto engine = std::make_unique<Engine>();
    LoadOptions options;
    options.modelPath = path;
    options.backend = BackendChoice::Cpu;
    options.threads = 1;
    if (!engine->load(options)) return nullptr;
    return engine;
}

} // namespace

class TestEngineChatTemplate : public QObject {
    Q_OBJECT

private slots:
    void fileTemplateIsTheFormat()
    {
        auto engine = loadEngine("tiny-llama31-f32");
        QVERIFY(engine);
        QCOMPARE(engine->info().chatFormat, std::string("template (from the file)"));
        QVERIFY(engine->info().notice.find("chat template") == std::string::npos);
    }

    void brokenTemplateFallsBack()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("broken.gguf").toStdString();
        QVERIFY(writeWithTemplate("{% for message in messages %}{{ message.content }", path));
        auto engine = loadPath(path);
        QVERIFY(engine);
        QCOMPARE(engine->info().chatFormat, std::string("llama3"));
        QVERIFY2(engine->info().notice.find("TemplateSyntaxError") != std::string::npos,
            engine->info().notice.c_str());

        // Still a working chat.
        GenerateRequest request;
        request.messages = { { "user", "Hello" } };
        request.sampler = greedy();
        request.maxTokens = 4;
        const Run r = run(*engine, request);
        QVERIFY2(r.ok, r.error.c_str());
    }

    void refusedConversationIsAnError()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("nosystem.gguf").toStdString();
        QVERIFY(writeWithTemplate(
            "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
            "{{ raise_exception('No system prompts here') }}{% endif %}"
            "{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>\n\n"
            "{{ m.content | trim }}<|eot_id|>{% endfor %}"
            "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}",
            path));
        auto engine = loadPath(path);
        QVERIFY(engine);
        QCOMPARE(engine->info().chatFormat, std::string("template (from the file)"));

        GenerateRequest request;
        request.messages = { { "system", "Be brief." }, { "user", "Hello" } };
        request.sampler = greedy();
        request.maxTokens = 4;
        const Run refused = run(*engine, request);
        QVERIFY(!refused.ok);
        QVERIFY2(refused.error.find("TemplateError: No system prompts here") != std::string::npos,
            refused.error.c_str());

        request.messages = { { "user", "Hello" } };
        const Run fine = run(*engine, request);
        QVERIFY2(fine.ok, fine.error.c_str());
        QVERIFY(fine.stats.promptTokens > 5);
    }
};

QTEST_APPLESS_MAIN(TestEngineChatTemplate)
#include "tst_engine_chat_template.moc"
