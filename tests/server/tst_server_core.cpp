// The server's parts without HTTP: the generation queue (one at a time, first come first served,
// bounded, leaving the line), the key check, request validation, and a completion on a scripted
// Generator (context check, stop sequences, finish reasons, cancellation by the client).
#include "apikey.h"
#include "completionrun.h"
#include "generationqueue.h"
#include "openairequest.h"

#include <QtTest>
#include <atomic>
#include <mutex>
#include <thread>

using namespace hearth;
using namespace hearth::server;

namespace {

// Streams fixed pieces; counts what it was asked to do.
class ScriptedGenerator final : public Generator {
public:
    std::vector<std::string> pieces;
    uint32_t context = 64;
    uint32_t prompt = 10;
    GenerateRequest lastRequest;
    int piecesSent = 0;

    std::string modelId() const override { return "scripted"; }
    uint32_t contextLength() const override { return context; }
    Result<uint32_t> promptTokens(const GenerateRequest&) const override { return prompt; }
    Result<GenerateStats> generate(const GenerateRequest& request,
        const std::function<bool(std::string_view)>& onPiece, const std::atomic<bool>* cancel) override
    {
        lastRequest = request;
        GenerateStats stats;
        stats.promptTokens = prompt;
        stats.stopReason = StopReason::MaxTokens;
        for (const auto& piece : pieces) {
            if (stats.generatedTokens == request.maxTokens) return stats;
            if (cancel && *cancel) {
                stats.stopReason = StopReason::Cancelled;
                return stats;
            }
            ++stats.generatedTokens;
            ++piecesSent;
            if (!onPiece(piece)) {
                stats.stopReason = StopReason::Cancelled;
                return stats;
            }
        }
        stats.stopReason = StopReason::EndOfTurn;
        return stats;
    }
};

void waitFor(const std::function<bool()>& condition)
{
    for (int i = 0; i < 2000 && !condition(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

} // namespace

class TestServerCore : public QObject {
    Q_OBJECT

private slots:
    void queueServesInArrivalOrder()
    {
        GenerationQueue queue(8);
        GenerationQueue::Turn first;
        QCOMPARE(queue.enter(first), GenerationQueue::Entry::Granted);
        std::mutex mutex;
        std::vector<int> order;
        std::vector<std::thread> waiters;
        for (int i = 0; i < 5; ++i) {
            waiters.emplace_back([&, i] {
                GenerationQueue::Turn turn;
                QCOMPARE(queue.enter(turn), GenerationQueue::Entry::Granted);
                std::lock_guard lock(mutex);
                order.push_back(i);
            });
            waitFor([&] { return queue.waiting() == size_t(i + 1); }); // in line before the next comes
        }
        QCOMPARE(queue.waiting(), size_t(5));
        first = GenerationQueue::Turn(); // the first generation ends
        for (auto& waiter : waiters)
            waiter.join();
        QCOMPARE(order, (std::vector<int> { 0, 1, 2, 3, 4 }));
        QCOMPARE(queue.waiting(), size_t(0));
    }

    void queueRefusesWhenTheLineIsFull()
    {
        GenerationQueue queue(1);
        GenerationQueue::Turn first;
        QCOMPARE(queue.enter(first), GenerationQueue::Entry::Granted);
        std::thread second([&] {
            GenerationQueue::Turn turn;
            QCOMPARE(queue.enter(turn), GenerationQueue::Entry::Granted);
        });
        waitFor([&] { return queue.waiting() == 1; });
        GenerationQueue::Turn third;
        QCOMPARE(queue.enter(third), GenerationQueue::Entry::Full);
        QVERIFY(!third.held());
        first = GenerationQueue::Turn();
        second.join();
        QCOMPARE(queue.enter(third), GenerationQueue::Entry::Granted);
    }

    // The engine process's own work (the window's chat) joins a full line all the same, in order.
    void unboundedEntriesWaitInLineButAreNeverRefused()
    {
        GenerationQueue queue(1);
        GenerationQueue::Turn first;
        QCOMPARE(queue.enter(first), GenerationQueue::Entry::Granted);
        std::vector<int> order;
        std::mutex orderMutex;
        std::thread second([&] {
            GenerationQueue::Turn turn;
            QCOMPARE(queue.enter(turn), GenerationQueue::Entry::Granted);
            std::lock_guard lock(orderMutex);
            order.push_back(2);
        });
        waitFor([&] { return queue.waiting() == 1; });
        GenerationQueue::Turn refused;
        QCOMPARE(queue.enter(refused), GenerationQueue::Entry::Full);
        std::thread chat([&] {
            GenerationQueue::Turn turn;
            QCOMPARE(
                queue.enter(turn, {}, GenerationQueue::Admission::Always), GenerationQueue::Entry::Granted);
            std::lock_guard lock(orderMutex);
            order.push_back(3);
        });
        waitFor([&] { return queue.waiting() == 2; });
        first = GenerationQueue::Turn();
        second.join();
        chat.join();
        QCOMPARE(order, (std::vector<int> { 2, 3 }));
    }

    void aClientThatLeavesGivesUpItsPlace()
    {
        GenerationQueue queue(4);
        GenerationQueue::Turn first;
        QCOMPARE(queue.enter(first), GenerationQueue::Entry::Granted);
        std::atomic<bool> gone { false };
        std::thread leaving([&] {
            GenerationQueue::Turn turn;
            QCOMPARE(queue.enter(turn, [&] { return gone.load(); }), GenerationQueue::Entry::Abandoned);
        });
        waitFor([&] { return queue.waiting() == 1; });
        gone = true;
        leaving.join();
        QCOMPARE(queue.waiting(), size_t(0));
    }

    void bearerKeyMustMatchExactly()
    {
        QVERIFY(bearerMatches("Bearer secret", "secret"));
        QVERIFY(bearerMatches("bearer secret", "secret"));
        QVERIFY(!bearerMatches("Bearer secre", "secret"));
        QVERIFY(!bearerMatches("Bearer secrets", "secret"));
        QVERIFY(!bearerMatches("Bearer Secret", "secret"));
        QVERIFY(!bearerMatches("secret", "secret"));
        QVERIFY(!bearerMatches("Basic secret", "secret"));
        QVERIFY(!bearerMatches("", "secret"));
        QVERIFY(!bearerMatches("Bearer ", ""));
        const auto a = generateApiKey(), b = generateApiKey();
        QVERIFY(a && b);
        QCOMPARE(a->size(), size_t(7 + 48));
        QVERIFY(*a != *b);
    }

    void badRequestsNameTheField_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("param");
        const QByteArray start = R"({"model":"m","messages":[{"role":"user","content":"hi"}])";
        QTest::newRow("not json") << QByteArray("{\"model\":") << QString();
        QTest::newRow("not an object") << QByteArray("[1]") << QString();
        QTest::newRow("no model") << QByteArray(R"({"messages":[{"role":"user","content":"hi"}]})")
                                  << "model";
        QTest::newRow("no messages") << QByteArray(R"({"model":"m","messages":[]})") << "messages";
        QTest::newRow("bad role") << QByteArray(R"({"model":"m","messages":[{"role":"tool","content":"x"}]})")
                                  << "messages[0].role";
        QTest::newRow("temperature") << start + R"(,"temperature":2.5})"
                                     << "temperature";
        QTest::newRow("top_p") << start + R"(,"top_p":"high"})"
                               << "top_p";
        QTest::newRow("max_tokens fraction") << start + R"(,"max_tokens":1.5})"
                                             << "max_tokens";
        QTest::newRow("max_tokens zero") << start + R"(,"max_tokens":0})"
                                         << "max_tokens";
        QTest::newRow("n") << start + R"(,"n":2})"
                           << "n";
        QTest::newRow("stop count") << start + R"(,"stop":["a","b","c","d","e"]})"
                                    << "stop";
        QTest::newRow("stop type") << start + R"(,"stop":7})"
                                   << "stop";
        QTest::newRow("stream type") << start + R"(,"stream":"yes"})"
                                     << "stream";
    }

    void badRequestsNameTheField()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, param);
        const auto parsed = parseChatCompletionRequest(body.toStdString());
        const auto* error = std::get_if<ApiError>(&parsed);
        QVERIFY(error);
        QCOMPARE(error->status, 400);
        QCOMPARE(error->type, std::string("invalid_request_error"));
        QCOMPARE(QString::fromStdString(error->param), param);
        QVERIFY(!error->message.empty());
    }

    void goodRequestsAreTyped()
    {
        const auto parsed = parseChatCompletionRequest(
            R"({"model":"m","stream":true,"max_tokens":12,"temperature":0,"top_p":0.5,"seed":0,"stop":"END",
                "messages":[{"role":"developer","content":"Be brief."},
                            {"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]}]})");
        const auto* request = std::get_if<ChatCompletionRequest>(&parsed);
        QVERIFY(request);
        QVERIFY(request->options.stream);
        QCOMPARE(*request->options.maxTokens, 12u);
        QCOMPARE(request->options.temperature, 0.0f);
        QCOMPARE(request->options.topP, 0.5f);
        QCOMPARE(*request->options.seed, uint64_t(0));
        QCOMPARE(request->options.stop, std::vector<std::string> { "END" });
        QCOMPARE(request->messages.size(), size_t(2));
        QCOMPARE(request->messages[0].role, std::string("system"));
        QCOMPARE(request->messages[1].content, std::string("Hi there"));

        const auto text = parseTextCompletionRequest(R"({"model":"m","prompt":["Once"]})");
        QCOMPARE(std::get<TextCompletionRequest>(text).prompt, std::string("Once"));
    }

    void overlongPromptIsContextLengthExceeded()
    {
        ScriptedGenerator generator;
        generator.context = 64;
        generator.prompt = 60;
        CompletionOptions options;
        options.maxTokens = 8;
        GenerateRequest prompt;
        prompt.useChat = true;
        prompt.messages = { { "user", "long" } };
        auto prepared = prepareCompletion(generator, prompt, options);
        const auto* error = std::get_if<ApiError>(&prepared);
        QVERIFY(error);
        QCOMPARE(error->code, std::string("context_length_exceeded"));
        QCOMPARE(error->param, std::string("messages"));
        QVERIFY2(error->message.find("maximum context length is 64 tokens") != std::string::npos,
            error->message.c_str());

        // Without max_tokens the reply may take what the context has left.
        options.maxTokens.reset();
        prepared = prepareCompletion(generator, prompt, options);
        QCOMPARE(std::get<GenerateRequest>(prepared).maxTokens, 4u);
        generator.prompt = 64;
        QVERIFY(std::holds_alternative<ApiError>(prepareCompletion(generator, prompt, options)));
    }

    void samplerIsOpenAis()
    {
        ScriptedGenerator generator;
        CompletionOptions options;
        options.temperature = 0.3f;
        options.topP = 0.8f;
        options.seed = 42;
        GenerateRequest prompt;
        prompt.rawPrompt = "x";
        prompt.useChat = false;
        const auto request = std::get<GenerateRequest>(prepareCompletion(generator, prompt, options));
        QCOMPARE(request.sampler.temperature, 0.3f);
        QCOMPARE(request.sampler.topP, 0.8f);
        QCOMPARE(request.sampler.topK, 0);
        QCOMPARE(request.sampler.minP, 0.0f);
        QCOMPARE(request.sampler.repeatPenalty, 1.0f);
        QCOMPARE(request.sampler.seed, uint64_t(42));
        options.seed = 0; // a seed, not "random"
        QVERIFY(std::get<GenerateRequest>(prepareCompletion(generator, prompt, options)).sampler.seed != 0);
    }

    void stopSequenceAcrossPiecesEndsTheText()
    {
        ScriptedGenerator generator;
        generator.pieces = { "Hello", " wor", "ld! E", "ND more", " never" };
        CompletionOptions options;
        options.stop = { "END" };
        GenerateRequest request;
        request.maxTokens = 100;
        std::string text;
        const auto outcome = runCompletion(generator, request, options, [&](std::string_view piece) {
            text += piece;
            return true;
        });
        const auto& done = std::get<CompletionOutcome>(outcome);
        QCOMPARE(text, std::string("Hello world! "));
        QCOMPARE(done.finishReason, std::string("stop"));
        QVERIFY(!done.cancelled);
        QCOMPARE(generator.piecesSent, 4); // nothing generated after the stop
    }

    void finishReasons()
    {
        ScriptedGenerator generator;
        generator.pieces = { "a", "b", "c" };
        GenerateRequest request;
        request.maxTokens = 2;
        auto outcome = runCompletion(generator, request, {}, [](std::string_view) { return true; });
        QCOMPARE(std::get<CompletionOutcome>(outcome).finishReason, std::string("length"));
        QCOMPARE(std::get<CompletionOutcome>(outcome).usage.completionTokens, 2u);
        request.maxTokens = 10;
        outcome = runCompletion(generator, request, {}, [](std::string_view) { return true; });
        QCOMPARE(std::get<CompletionOutcome>(outcome).finishReason, std::string("stop"));
    }

    void aClientThatGoesAwayCancels()
    {
        ScriptedGenerator generator;
        generator.pieces = { "a", "b", "c", "d" };
        GenerateRequest request;
        request.maxTokens = 10;
        int delivered = 0;
        const auto outcome
            = runCompletion(generator, request, {}, [&](std::string_view) { return ++delivered < 2; });
        QVERIFY(std::get<CompletionOutcome>(outcome).cancelled);
        QCOMPARE(generator.piecesSent, 2);
    }
};

QTEST_GUILESS_MAIN(TestServerCore)
#include "tst_server_core.moc"
