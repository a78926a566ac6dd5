// The map-reduce summarizer with a fake model: one pass when the document fits, parts then combining
// levels when it does not, progress reports, cancel at any moment keeping what was done, errors passed on.
#include "summarizer.h"

#include <QTest>
#include <atomic>
#include <string>

using namespace hearth::documents;

namespace {

uint32_t wordTokens(std::string_view text)
{
    uint32_t count = 0;
    bool inWord = false;
    for (char c : text) {
        const bool space = c == ' ' || c == '\n';
        if (!space && !inWord) ++count;
        inWord = !space;
    }
    return count;
}

// A fake model: answers "sum<N> of <first words of the text>" padded to `answerWords` words, and records
// every request. It can cancel itself after `cancelAfterCalls` calls, halfway through an answer.
struct FakeModel {
    std::vector<GenerationRequest> requests;
    uint32_t answerWords = 20;
    int cancelAfterCalls = -1;
    int failAtCall = -1;
    std::atomic<bool>* cancelFlag = nullptr;

    Generate function()
    {
        return [this](const GenerationRequest& request,
                   const std::atomic<bool>* cancel) -> hearth::Result<GenerationResult> {
            requests.push_back(request);
            const int call = int(requests.size());
            if (call == failAtCall)
                return hearth::makeError(hearth::ErrorCode::DeviceLost, "fake device lost");
            GenerationResult result;
            result.promptTokens = wordTokens(request.system) + wordTokens(request.user);
            result.text = "sum" + std::to_string(call);
            const uint32_t words = std::min(answerWords, request.maxTokens);
            for (uint32_t w = 1; w < words; ++w) {
                if (call == cancelAfterCalls && w == words / 2 && cancelFlag) cancelFlag->store(true);
                if (cancel && cancel->load()) {
                    result.cancelled = true;
                    break;
                }
                result.text += " w";
            }
            result.generatedTokens = wordTokens(result.text);
            result.prefillSeconds = 0.001;
            result.generateSeconds = 0.002;
            return result;
        };
    }
};

Document makeDocument(int paragraphs, int wordsEach)
{
    Document document;
    document.title = "Test Doc";
    for (int p = 0; p < paragraphs; ++p) {
        std::string text = "p" + std::to_string(p);
        for (int w = 1; w < wordsEach; ++w)
            text += " x";
        document.paragraphs.push_back(Paragraph { text, 1 + p / 4 });
    }
    return document;
}

} // namespace

class SummarizerTest : public QObject {
    Q_OBJECT

private slots:
    void singlePassWhenItFits()
    {
        FakeModel model;
        Summarizer summarizer(model.function(), wordTokens, SummarizerOptions { 4096, SummaryLength::Short });
        const Document document = makeDocument(5, 30);
        std::vector<SummaryProgress> reports;
        auto summary
            = summarizer.summarize(document, [&](const SummaryProgress& p) { reports.push_back(p); });
        QVERIFY(summary.ok());
        QCOMPARE(model.requests.size(), size_t(1));
        QCOMPARE(summary->steps, 1);
        QCOMPARE(summary->levels, 1);
        QCOMPARE(summary->parts, 1);
        QVERIFY(!summary->cancelled);
        QVERIFY(summary->text.starts_with("sum1"));
        // The whole text went in, with the instruction and title, and the answer allowance of "short".
        for (const Paragraph& p : document.paragraphs)
            QVERIFY(model.requests[0].user.find(p.text) != std::string::npos);
        QVERIFY(model.requests[0].user.starts_with(
            "Summarize the document \"Test Doc\" in two or three sentences."));
        QCOMPARE(model.requests[0].maxTokens, answerTokens(SummaryLength::Short));
        QCOMPARE(reports.size(), size_t(2)); // before and after the one step
        QCOMPARE(reports[0].step, 1);
        QCOMPARE(reports[0].totalSteps, 1);
        QVERIFY(reports[1].finished);
    }

    void mapReduceRecursively()
    {
        FakeModel model;
        model.answerWords = 60;
        // A small context: each part holds ~ a few paragraphs; summaries must be combined over levels.
        SummarizerOptions options { 600, SummaryLength::Medium, 16, 20 };
        Summarizer summarizer(model.function(), wordTokens, options);
        QVERIFY(summarizer.partBudget() > 0);
        QVERIFY(summarizer.answerBudget() * 3 <= summarizer.partBudget());
        const Document document = makeDocument(120, 40);
        std::vector<SummaryProgress> reports;
        auto summary
            = summarizer.summarize(document, [&](const SummaryProgress& p) { reports.push_back(p); });
        QVERIFY2(summary.ok(), summary.ok() ? "" : summary.error().message.c_str());
        QVERIFY(summary->parts > 5);
        QVERIFY2(summary->levels >= 3, qPrintable(QString::number(summary->levels)));
        QCOMPARE(int(model.requests.size()), summary->steps);
        QCOMPARE(int(summary->partSummaries.size()), summary->parts);

        // Every request fits the context: prompt + answer allowance.
        for (const GenerationRequest& r : model.requests)
            QVERIFY(wordTokens(r.system) + wordTokens(r.user) + options.templateTokens + r.maxTokens
                <= options.contextTokens);
        // Level 0 asks for parts (with pages), in document order; later levels combine.
        QVERIFY(model.requests[0].user.find("Summarize this part of the document \"Test Doc\" (pages 1")
            != std::string::npos);
        QVERIFY(model.requests[0].user.find("p0 x") != std::string::npos);
        QVERIFY(model.requests[size_t(summary->parts)].user.starts_with(
            "These are summaries of consecutive parts"));
        QVERIFY(model.requests[size_t(summary->parts)].user.find("sum1 w") != std::string::npos);
        // The final answer is the last call's.
        QVERIFY(summary->text.starts_with("sum" + std::to_string(summary->steps) + " "));

        // Progress: steps count up to the end; the total is an estimate that ends exact; parts are i of n.
        int lastStep = 0;
        for (const SummaryProgress& p : reports) {
            QVERIFY(p.step >= lastStep);
            lastStep = p.step;
            QVERIFY(p.part >= 1 && p.part <= p.partsInLevel);
            QVERIFY(p.step <= p.totalSteps);
            if (p.finished) QVERIFY(p.tokensPerSecond > 0 && p.secondsLeft >= 0);
        }
        QCOMPARE(reports.back().step, summary->steps);
        QCOMPARE(reports.back().totalSteps, summary->steps);
        QVERIFY(reports.back().finished);
        QCOMPARE(reports.back().secondsLeft, 0.0);
        QCOMPARE(reports.front().level, 0);
        QCOMPARE(reports.back().level, summary->levels - 1);
    }

    void cancelDuringParts()
    {
        FakeModel model;
        std::atomic<bool> cancel { false };
        model.cancelFlag = &cancel;
        model.cancelAfterCalls = 3; // the user presses cancel while part 3 is being generated
        Summarizer summarizer(
            model.function(), wordTokens, SummarizerOptions { 600, SummaryLength::Short, 16, 20 });
        auto summary = summarizer.summarize(makeDocument(120, 40), {}, &cancel);
        QVERIFY(summary.ok());
        QVERIFY(summary->cancelled);
        QCOMPARE(model.requests.size(), size_t(3)); // nothing started after the cancel
        // Parts 1 and 2 are kept whole, part 3 as far as it got.
        QVERIFY(summary->text.starts_with("sum1 w"));
        QVERIFY(summary->text.find("sum2 w") != std::string::npos);
        QVERIFY(summary->text.find("sum3") != std::string::npos && summary->text.ends_with("[…]"));
        QVERIFY2(summary->coverage.starts_with("parts 1–3 of "), summary->coverage.c_str());
    }

    void cancelBeforeStartAndWhileCombining()
    {
        FakeModel model;
        std::atomic<bool> cancel { true };
        Summarizer summarizer(
            model.function(), wordTokens, SummarizerOptions { 600, SummaryLength::Short, 16, 20 });
        auto none = summarizer.summarize(makeDocument(120, 40), {}, &cancel);
        QVERIFY(none.ok() && none->cancelled);
        QVERIFY(model.requests.empty());
        QVERIFY(none->text.empty());

        // Cancel during the first combining call: every part summary is kept (nothing is lost).
        FakeModel second;
        std::atomic<bool> flag { false };
        second.cancelFlag = &flag;
        Summarizer counting(
            second.function(), wordTokens, SummarizerOptions { 600, SummaryLength::Short, 16, 20 });
        FakeModel probe;
        Summarizer dry(probe.function(), wordTokens, SummarizerOptions { 600, SummaryLength::Short, 16, 20 });
        auto full = dry.summarize(makeDocument(120, 40));
        QVERIFY(full.ok() && full->levels >= 2);
        second.cancelAfterCalls = full->parts + 1;
        auto partial = counting.summarize(makeDocument(120, 40), {}, &flag);
        QVERIFY(partial.ok() && partial->cancelled);
        for (int i = 1; i <= full->parts; ++i)
            QVERIFY(partial->text.find("sum" + std::to_string(i) + " w") != std::string::npos);
        QCOMPARE(partial->coverage, std::string("all parts, not fully combined"));
    }

    void errorsPassOn()
    {
        FakeModel model;
        model.failAtCall = 2;
        Summarizer summarizer(
            model.function(), wordTokens, SummarizerOptions { 600, SummaryLength::Short, 16, 20 });
        auto summary = summarizer.summarize(makeDocument(120, 40));
        QVERIFY(!summary.ok());
        QCOMPARE(summary.error().message, std::string("fake device lost"));
    }

    void contextTooSmall()
    {
        FakeModel model;
        Summarizer summarizer(
            model.function(), wordTokens, SummarizerOptions { 64, SummaryLength::Short, 16, 20 });
        auto summary = summarizer.summarize(makeDocument(3, 3));
        QVERIFY(!summary.ok());
        QVERIFY(summary.error().message.find("too small") != std::string::npos);
    }

    void lengths()
    {
        QCOMPARE(parseSummaryLength("short"), std::optional(SummaryLength::Short));
        QCOMPARE(parseSummaryLength("long"), std::optional(SummaryLength::Long));
        QVERIFY(!parseSummaryLength("tiny"));
        QVERIFY(answerTokens(SummaryLength::Short) < answerTokens(SummaryLength::Medium));
        QVERIFY(answerTokens(SummaryLength::Medium) < answerTokens(SummaryLength::Long));
    }
};

QTEST_GUILESS_MAIN(SummarizerTest)
#include "test_summarizer.moc"
