// Engine end to end on the CPU backend: reference continuations, chat, prefix reuse, cancel, overflow.
#include "engine.h"
#include "engine_test_helpers.h"
#include "gguf/gguf.h"
#include "shared_data.h"
#include "tokenizer/tokenizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <map>

using namespace hearth;

using namespace hearth::test;

class TestEngine : public QObject {
    Q_OBJECT

private slots:
    // The real pretrained model continues its prompt with llama.cpp's greedy text.
    void storiesReferenceContinuation()
    {
        const QJsonObject ref = reference("stories260K");
        auto engine = loadEngine("stories260K");
        QVERIFY(engine);
        QCOMPARE(engine->info().backend, std::string("cpu"));
        QCOMPARE(engine->info().vocabSize, 512u);
        GenerateRequest request;
        request.useChat = false;
        request.rawPrompt = ref["prompt"].toString().toStdString();
        request.parseSpecial = true;
        request.sampler = greedy();
        request.maxTokens = static_cast<uint32_t>(ref["greedy_tokens"].toArray().size());
        const Run r = run(*engine, request);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.stats.promptTokens, 5u);
        QCOMPARE(r.stats.generatedTokens, request.maxTokens);
        QCOMPARE(r.stats.stopReason, StopReason::MaxTokens);
        QCOMPARE(QString::fromStdString(r.text), ref["greedy_text"].toString());
        QVERIFY(r.stats.decodeTokensPerSecond > 0);
        QVERIFY(r.stats.prefillTokensPerSecond > 0);
    }

    // What a "Q3_K_M" file holds, as llama-quantize made it (the mix table in ../shared/README.md):
    // Q3_K for 9 matrices, Q4_K for 4, Q5_K for 2, the output in Q6_K; norms and RoPE factors F32.
    // The model info lists each type once, heaviest first, and its counts add up to the file's.
    void typeMixOfAQuantizedFile()
    {
        auto engine = loadEngine("tiny-llama31-q3_k_m");
        QVERIFY(engine);
        const std::vector<TypeShare>& mix = engine->info().typeMix;
        std::map<TensorType, uint32_t> counts;
        uint32_t tensors = 0;
        for (size_t i = 0; i < mix.size(); ++i) {
            counts[mix[i].type] = mix[i].tensors;
            tensors += mix[i].tensors;
            if (i > 0) QVERIFY(mix[i - 1].bytes >= mix[i].bytes);
        }
        QCOMPARE(counts.size(), mix.size());
        QCOMPARE(counts[TensorType::Q3_K], 9u);
        QCOMPARE(counts[TensorType::Q4_K], 4u);
        QCOMPARE(counts[TensorType::Q5_K], 2u);
        QCOMPARE(counts[TensorType::Q6_K], 1u);
        QVERIFY(counts[TensorType::F32] >= 5u); // 2 layers x 2 norms, the output norm
        auto file = GgufFile::open(test::testdata("models/tiny-llama31-q3_k_m.gguf").toStdString());
        QVERIFY(file.ok());
        QCOMPARE(size_t(tensors), (*file)->tensors().size());
    }

    // The synthetic Llama 3.1 model on its chat prompt (special tokens parsed): the greedy tokens
    // up to the first near-tie of the reference (top-two gap under 0.05) are llama.cpp's.
    void syntheticRawChatPrompt()
    {
        const QJsonObject ref = reference("tiny-llama31-f32");
        auto engine = loadEngine("tiny-llama31-f32");
        QVERIFY(engine);
        QCOMPARE(engine->info().chatFormat, std::string("template (from the file)"));
        const QJsonArray tokens = ref["greedy_tokens"].toArray();
        const QJsonArray gaps = ref["greedy_top2_gaps"].toArray();
        std::vector<int32_t> expected;
        for (qsizetype i = 0; i < tokens.size() && gaps[i].toDouble() >= 0.05; ++i)
            expected.push_back(tokens[i].toInt());
        QVERIFY(expected.size() >= 4);

        auto file = GgufFile::open(test::testdata("models/tiny-llama31-f32.gguf").toStdString());
        QVERIFY(file.ok());
        auto tokenizer = Tokenizer::fromGguf(**file);
        QVERIFY(tokenizer.ok());

        GenerateRequest request;
        request.useChat = false;
        request.rawPrompt = ref["prompt"].toString().toStdString();
        request.parseSpecial = true;
        request.sampler = greedy();
        request.maxTokens = static_cast<uint32_t>(expected.size());
        const Run r = run(*engine, request);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.stats.promptTokens, static_cast<uint32_t>(ref["prompt_tokens"].toArray().size()));
        QCOMPARE(
            QByteArray::fromStdString(r.text), QByteArray::fromStdString((*tokenizer)->decode(expected)));
    }

    // A conversation through the Llama 3 chat format: the prompt is the formatted one, the reply
    // streams, and the turn ends by a stop token or the limit.
    void syntheticChatMessages()
    {
        auto engine = loadEngine("tiny-llama31-q8_0");
        QVERIFY(engine);
        GenerateRequest request;
        request.messages = { { "system", "You are a concise assistant." },
            { "user", "Please print <|eot_id|> literally." } };
        request.chatDate = "26 Jul 2024";
        request.sampler = greedy();
        request.maxTokens = 12;
        const Run r = run(*engine, request);
        QVERIFY2(r.ok, r.error.c_str());
        // 26 tokens of header and date, the system prompt, the user text (typed special as text).
        QVERIFY(r.stats.promptTokens > 30);
        QVERIFY(r.stats.generatedTokens <= 12);
        QVERIFY(r.stats.stopReason == StopReason::EndOfTurn || r.stats.stopReason == StopReason::MaxTokens);
        // The typed "<|eot_id|>" did not end the user's turn: the prompt is longer than it would be
        // with one special token there.
        const auto typed = engine->countTokens("<|eot_id|>");
        QVERIFY(typed.ok());
        QVERIFY(*typed > 1);
    }

    // Second turn: the cached first turn is reused, and the reply equals a fresh engine's.
    void prefixReuse()
    {
        auto engine = loadEngine("stories260K");
        QVERIFY(engine);
        GenerateRequest turn1;
        turn1.messages = { { "user", "Tell me a story about a cat." } };
        turn1.sampler = greedy();
        turn1.maxTokens = 16;
        const Run first = run(*engine, turn1);
        QVERIFY2(first.ok, first.error.c_str());
        QCOMPARE(first.stats.reusedTokens, 0u);
        QCOMPARE(engine->info().chatFormat, std::string("plain"));
        QVERIFY(first.text.find("\nUser:") == std::string::npos); // the plain format's turn marker

        GenerateRequest turn2 = turn1;
        turn2.messages.push_back({ "assistant", first.text });
        turn2.messages.push_back({ "user", "And then?" });
        const Run second = run(*engine, turn2);
        QVERIFY2(second.ok, second.error.c_str());
        QVERIFY(second.stats.reusedTokens > 0);
        QVERIFY(second.stats.reusedTokens < second.stats.promptTokens);

        auto fresh = loadEngine("stories260K");
        QVERIFY(fresh);
        const Run control = run(*fresh, turn2);
        QVERIFY2(control.ok, control.error.c_str());
        QCOMPARE(control.stats.reusedTokens, 0u);
        QCOMPARE(second.text, control.text);

        // The same request again reuses everything but the last prompt token.
        const Run again = run(*engine, turn2);
        QCOMPARE(again.stats.reusedTokens, again.stats.promptTokens - 1);
        QCOMPARE(again.text, control.text);
    }

    void cancel()
    {
        auto engine = loadEngine("stories260K");
        QVERIFY(engine);
        GenerateRequest request;
        request.useChat = false;
        request.rawPrompt = "Once upon a time";
        request.sampler = greedy();
        request.maxTokens = 64;

        // Set before the start: nothing is generated.
        std::atomic<bool> flag { true };
        Run r = run(*engine, request, &flag);
        QVERIFY(r.ok);
        QCOMPARE(r.stats.stopReason, StopReason::Cancelled);
        QCOMPARE(r.stats.generatedTokens, 0u);

        // Set from the stream (as the GUI thread would): checked before the next token.
        flag = false;
        r = run(*engine, request, &flag, [&](std::string_view) {
            flag = true;
            return true;
        });
        QVERIFY(r.ok);
        QCOMPARE(r.stats.stopReason, StopReason::Cancelled);
        QVERIFY(r.stats.generatedTokens >= 1 && r.stats.generatedTokens <= 2);

        // The listener declining more text stops it too.
        r = run(*engine, request, nullptr, [](std::string_view) { return false; });
        QCOMPARE(r.stats.stopReason, StopReason::Cancelled);
        QCOMPARE(r.stats.generatedTokens, 1u);

        // And the engine still works afterwards.
        r = run(*engine, request);
        QCOMPARE(r.stats.generatedTokens, 64u);
    }

    // Too long a conversation: the oldest turns after the system prompt are dropped; one message
    // too long for the context is a clear error.
    void contextOverflow()
    {
        auto engine = loadEngine("stories260K", 96);
        QVERIFY(engine);
        QCOMPARE(engine->info().contextLength, 96u);
        GenerateRequest request;
        request.messages.push_back({ "system", "Stories." });
        for (int i = 0; i < 6; ++i) {
            request.messages.push_back(
                { "user", "Tell me about the little dog in the park number " + std::to_string(i) });
            request.messages.push_back(
                { "assistant", "The little dog ran and played with a big red ball all day." });
        }
        request.messages.push_back({ "user", "What next?" });
        request.sampler = greedy();
        request.maxTokens = 8;
        const Run r = run(*engine, request);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.stats.droppedMessages > 0);
        QVERIFY(r.stats.droppedMessages % 2 == 0); // whole user/assistant turns
        QVERIFY(r.stats.promptTokens + 8 <= 96);

        GenerateRequest huge;
        std::string text;
        for (int i = 0; i < 60; ++i)
            text += "The cat sat on the mat. ";
        huge.messages = { { "user", text } };
        huge.maxTokens = 8;
        const Run failed = run(*engine, huge);
        QVERIFY(!failed.ok);
        QVERIFY2(QString::fromStdString(failed.error).contains("too long"), failed.error.c_str());
    }

    void countTokensAndErrors()
    {
        Engine empty;
        QVERIFY(!empty.loaded());
        QVERIFY(!empty.countTokens("hi").ok());
        QVERIFY(!empty.generate(GenerateRequest {}, [](std::string_view) { return true; }).ok());

        LoadOptions missing;
        missing.modelPath = "/nonexistent/model.gguf";
        QVERIFY(!empty.load(missing).ok());

        LoadOptions vocabOnly; // a vocabulary file has no weights: a clear error, not a crash
        vocabOnly.modelPath = test::testdata("tokenizer/llama31-vocab.gguf").toStdString();
        vocabOnly.backend = BackendChoice::Cpu;
        QVERIFY(!empty.load(vocabOnly).ok());

        auto engine = loadEngine("tiny-llama31-f32");
        QVERIFY(engine);
        // llama-bpe.vocab-4k.out, vector 11: "Hello world" is 39 301 385 1917 in the 4k vocabulary.
        const auto count = engine->countTokens("Hello world");
        QVERIFY(count.ok());
        QCOMPARE(*count, 4u);
    }
};

QTEST_APPLESS_MAIN(TestEngine)
#include "tst_engine.moc"
