// The cutting rule (summaryplan.h) against real tokenizers and chat templates: for Debian's GPL-3 text
// and a long PDF, every step of a summary — parts and the combining steps — must fit the context with
// its reply, counted exactly as the engine counts a prompt. Checked for the app's way of counting
// (TokenCounts filled in rounds, as the engine process answers) and the CLI's (counts at once), with
// the bundled stories260K model and with the Llama 3.1 tokenizer and template. Every answer is as long
// as the step allows, so the combining steps see the largest inputs they can.
#include "chat/chat_format.h"
#include "chat/chat_tokens.h"
#include "engine.h"
#include "extractor.h"
#include "gguf/gguf.h"
#include "shared_data.h"
#include "summarizer.h"
#include "testfiles.h"
#include "tokencounts.h"
#include "tokenizer/tokenizer.h"

#include <QGuiApplication>
#include <QTemporaryDir>
#include <QTest>

using namespace hearth;
using namespace hearth::documents;

namespace {

const char* kGpl3 = "/usr/share/common-licenses/GPL-3";

// Counts as a model would make them: its tokenizer for text, its chat template for whole prompts.
struct ModelCounts {
    CountTokens text;
    CountPrompt prompt;
};

// The longest answer a step may give: words of its own text until the count reaches the allowance
// (re-tokenized text can come out a little longer than what was generated; this takes that too).
std::string fullAnswer(const GenerationRequest& request, const CountTokens& count)
{
    const std::string& source = request.user;
    std::string answer;
    size_t at = source.find("\n\n");
    at = at == std::string::npos ? 0 : at + 2;
    while (count(answer) < request.maxTokens) {
        size_t end = source.find(' ', at + 1);
        if (end == std::string::npos) {
            at = 0; // the text ran out: start it again
            continue;
        }
        for (int words = 0; words < 8 && end != std::string::npos; ++words)
            end = source.find(' ', end + 1);
        if (end == std::string::npos) end = source.size();
        answer += source.substr(at, end - at);
        at = end;
    }
    return answer;
}

struct Outcome {
    int steps = 0;
    int parts = 0;
    int levels = 0;
    int countRounds = 0;
    uint32_t largestPrompt = 0;
};

// The app's way: SummaryRun over TokenCounts, the counts filled in rounds as the engine would answer.
Outcome summarizeAsTheWindow(
    const Document& document, uint32_t context, SummaryLength length, const ModelCounts& model)
{
    Outcome outcome;
    SummarizerOptions options;
    options.contextTokens = context;
    options.length = length;
    TokenCounts counts;
    SummaryRun run(document, options, counts.counter());
    for (;;) {
        auto step = run.next();
        if (!step) {
            QTest::qFail(step.error().message.c_str(), __FILE__, __LINE__);
            return outcome;
        }
        if (step->action == SummaryRun::Action::Done) break;
        if (step->action == SummaryRun::Action::Count) {
            ++outcome.countRounds;
            std::vector<uint32_t> texts, prompts;
            for (const std::string& t : counts.wantedTexts())
                texts.push_back(model.text(t));
            for (const GenerationRequest& r : counts.wantedPrompts())
                prompts.push_back(model.prompt(r));
            if (!counts.add(texts, prompts) || outcome.countRounds > 400) {
                QTest::qFail("the counts did not settle", __FILE__, __LINE__);
                return outcome;
            }
            continue;
        }
        const uint32_t prompt = model.prompt(step->request);
        outcome.largestPrompt = std::max(outcome.largestPrompt, prompt);
        if (prompt + step->request.maxTokens > context) {
            const std::string what = "step " + std::to_string(outcome.steps + 1) + " (level "
                + std::to_string(step->progress.level) + "): " + std::to_string(prompt) + " prompt tokens + "
                + std::to_string(step->request.maxTokens) + " > " + std::to_string(context);
            QTest::qFail(what.c_str(), __FILE__, __LINE__);
            return outcome;
        }
        GenerationResult result;
        result.text = fullAnswer(step->request, model.text);
        result.promptTokens = prompt;
        result.generatedTokens = step->request.maxTokens;
        run.answer(result);
        ++outcome.steps;
    }
    outcome.parts = run.summary().parts;
    outcome.levels = run.summary().levels;
    return outcome;
}

// The CLI's way: the synchronous Summarizer with counts at once.
Outcome summarizeAsTheCli(
    const Document& document, uint32_t context, SummaryLength length, const ModelCounts& model)
{
    Outcome outcome;
    SummarizerOptions options;
    options.contextTokens = context;
    options.length = length;
    bool overflow = false;
    Generate generate
        = [&](const GenerationRequest& request, const std::atomic<bool>*) -> Result<GenerationResult> {
        const uint32_t prompt = model.prompt(request);
        outcome.largestPrompt = std::max(outcome.largestPrompt, prompt);
        overflow = overflow || prompt + request.maxTokens > context;
        GenerationResult result;
        result.text = fullAnswer(request, model.text);
        result.promptTokens = prompt;
        result.generatedTokens = request.maxTokens;
        return result;
    };
    Summarizer summarizer(generate, TokenCounter { model.text, model.prompt, {} }, options);
    auto summary = summarizer.summarize(document);
    if (!summary) {
        QTest::qFail(summary.error().message.c_str(), __FILE__, __LINE__);
        return outcome;
    }
    if (overflow) QTest::qFail("a step's prompt and reply overflow the context", __FILE__, __LINE__);
    outcome.steps = summary->steps;
    outcome.parts = summary->parts;
    outcome.levels = summary->levels;
    return outcome;
}

} // namespace

class SummaryPlanTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    Engine m_stories;
    std::unique_ptr<GgufFile> m_llamaFile;
    std::unique_ptr<Tokenizer> m_llama;
    std::unique_ptr<ChatFormat> m_llamaFormat;
    Document m_gpl3;
    Document m_manual;

    ModelCounts stories()
    {
        return ModelCounts { [this](std::string_view text) { return m_stories.countTokens(text).value(); },
            [this](const GenerationRequest& r) {
                return m_stories
                    .countPromptTokens({ ChatMessage { "system", r.system }, ChatMessage { "user", r.user } })
                    .value();
            } };
    }

    ModelCounts llama3()
    {
        return ModelCounts { [this](std::string_view text) {
                                return uint32_t(m_llama->encode(text, false, false).size());
                            },
            [this](const GenerationRequest& r) {
                const std::vector<ChatMessage> messages { { "system", r.system }, { "user", r.user } };
                return uint32_t(
                    tokenizeChat(*m_llama, m_llamaFormat->format(messages), false).value().size());
            } };
    }

private slots:
    void initTestCase()
    {
        LoadOptions load;
        load.modelPath = HEARTH_SOURCE_DIR "/resources/models/stories260K.gguf";
        load.backend = BackendChoice::Cpu;
        load.contextLength = 2048;
        load.threads = 1;
        QVERIFY(m_stories.load(load).ok());

        auto file = GgufFile::open(test::testdata("tokenizer/llama31-vocab.gguf").toStdString());
        QVERIFY(file.ok());
        m_llamaFile = std::move(*file);
        auto tokenizer = Tokenizer::fromGguf(*m_llamaFile);
        QVERIFY(tokenizer.ok());
        m_llama = std::move(*tokenizer);
        m_llamaFormat = makeLlama3ChatFormat(true, "26 Jul 2024");

        auto gpl3 = extract(kGpl3);
        QVERIFY2(gpl3.ok(), kGpl3);
        m_gpl3 = std::move(*gpl3);
        const QString pdf = m_dir.filePath("manual.pdf");
        QVERIFY(test::writePdf(pdf, test::manualPages(48), "BASH-like manual"));
        auto manual = extract(pdf.toStdString());
        QVERIFY(manual.ok());
        QCOMPARE(manual->pageCount, 48);
        m_manual = std::move(*manual);
    }

    void everyStepFits_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("document");
        QTest::addColumn<int>("context");
        QTest::addColumn<int>("length");
        const int medium = int(SummaryLength::Medium), shortLength = int(SummaryLength::Short);
        QTest::newRow("stories260K GPL-3 2048 medium") << "stories"
                                                       << "gpl3" << 2048 << medium;
        QTest::newRow("stories260K GPL-3 2048 short") << "stories"
                                                      << "gpl3" << 2048 << shortLength;
        QTest::newRow("stories260K manual 2048 medium") << "stories"
                                                        << "manual" << 2048 << medium;
        QTest::newRow("stories260K GPL-3 512 short") << "stories"
                                                     << "gpl3" << 512 << shortLength;
        QTest::newRow("llama3 GPL-3 2048 medium") << "llama3"
                                                  << "gpl3" << 2048 << medium;
        QTest::newRow("llama3 manual 2048 medium") << "llama3"
                                                   << "manual" << 2048 << medium;
        QTest::newRow("llama3 manual 4096 long") << "llama3"
                                                 << "manual" << 4096 << int(SummaryLength::Long);
    }

    void everyStepFits()
    {
        QFETCH(QString, model);
        QFETCH(QString, document);
        QFETCH(int, context);
        QFETCH(int, length);
        const ModelCounts counts = model == "stories" ? stories() : llama3();
        const Document& doc = document == "gpl3" ? m_gpl3 : m_manual;
        // Steps are not capped by context in a stories260K engine: the check is the count itself.
        const Outcome window = summarizeAsTheWindow(doc, uint32_t(context), SummaryLength(length), counts);
        if (QTest::currentTestFailed()) return;
        QVERIFY(window.parts > 1);
        QVERIFY(window.levels >= 2);
        QVERIFY(window.largestPrompt > uint32_t(context) / 2); // the parts are not needlessly small
        const Outcome cli = summarizeAsTheCli(doc, uint32_t(context), SummaryLength(length), counts);
        if (QTest::currentTestFailed()) return;
        // One rule: the window and the CLI cut the document the same way.
        QCOMPARE(cli.parts, window.parts);
        QCOMPARE(cli.steps, window.steps);
        qInfo("%s: %d parts, %d steps, %d levels, %d rounds of counts, largest prompt %u",
            QTest::currentDataTag(), window.parts, window.steps, window.levels, window.countRounds,
            window.largestPrompt);
    }
};

int main(int argc, char** argv)
{
    QGuiApplication app(argc, argv); // QPdfWriter needs fonts
    SummaryPlanTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_summary_plan.moc"
