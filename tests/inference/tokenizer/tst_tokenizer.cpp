// Tokenizers against llama.cpp's vectors and the reference prompts in ../shared.
#include "gguf/gguf.h"
#include "shared_data.h"
#include "tokenizer/sentencepiece_tokenizer.h"
#include "tokenizer/tokenizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <algorithm>
#include <map>

using namespace hearth;

namespace {

struct Loaded {
    std::unique_ptr<GgufFile> file;
    std::unique_ptr<Tokenizer> tokenizer;
};

// Vocabularies are loaded once per test run: the full Llama 3 vocabulary has 280k merges.
Tokenizer* tokenizerFor(const QString& relative)
{
    static std::map<QString, Loaded> cache;
    auto it = cache.find(relative);
    if (it != cache.end()) return it->second.tokenizer.get();
    auto file = GgufFile::open(test::testdata(relative).toStdString());
    if (!file) {
        qWarning("%s", file.error().message.c_str());
        return nullptr;
    }
    auto tokenizer = Tokenizer::fromGguf(**file);
    if (!tokenizer) {
        qWarning("%s", tokenizer.error().message.c_str());
        return nullptr;
    }
    Tokenizer* raw = tokenizer->get();
    cache[relative] = Loaded { std::move(file.value()), std::move(tokenizer.value()) };
    return raw;
}

std::vector<int32_t> parseIds(const QByteArray& line)
{
    std::vector<int32_t> ids;
    for (const QByteArray& part : line.split(' ')) {
        if (!part.trimmed().isEmpty()) ids.push_back(part.trimmed().toInt());
    }
    return ids;
}

QString idsToString(const std::vector<int32_t>& ids)
{
    QStringList parts;
    for (int32_t id : ids)
        parts << QString::number(id);
    return parts.join(' ');
}

// llama.cpp's vector files: inputs separated by "\n__ggml_vocab_test__\n", one output line each.
void addVectorRows(const QString& vocab, const QString& inp, const QString& out)
{
    const QByteArray inputs = test::readFile(test::testdata(inp));
    const QList<QByteArray> outputs = test::readFile(test::testdata(out)).split('\n');
    QList<QByteArray> texts;
    QByteArray rest = inputs;
    const QByteArray separator = "\n__ggml_vocab_test__\n";
    for (qsizetype at; (at = rest.indexOf(separator)) >= 0;) {
        texts << rest.left(at);
        rest = rest.mid(at + separator.size());
    }
    QVERIFY2(texts.size() >= 40, "vector file could not be read");
    QVERIFY(outputs.size() >= texts.size());
    for (qsizetype i = 0; i < texts.size(); ++i) {
        QTest::addRow("%s #%lld", qPrintable(out.section('/', -1)), static_cast<long long>(i))
            << vocab << texts[i] << outputs[i];
    }
}

} // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private slots:
    void vectors_data()
    {
        QTest::addColumn<QString>("vocab");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("expected");
        addVectorRows("tokenizer/llama31-vocab.gguf", "tokenizer/llama-bpe.inp", "tokenizer/llama-bpe.out");
        addVectorRows(
            "models/tiny-llama31-f32.gguf", "tokenizer/llama-bpe.inp", "tokenizer/llama-bpe.vocab-4k.out");
        addVectorRows("tokenizer/llama-spm-vocab.gguf", "tokenizer/llama-spm.inp", "tokenizer/llama-spm.out");
    }

    // Every llama.cpp vector, exactly (no BOS, special text plain).
    void vectors()
    {
        QFETCH(QString, vocab);
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, expected);
        Tokenizer* tokenizer = tokenizerFor(vocab);
        QVERIFY(tokenizer);
        const auto ids = tokenizer->encode(std::string_view(text.constData(), text.size()), false, false);
        QCOMPARE(idsToString(ids), idsToString(parseIds(expected)));
    }

    // Decoding the ids gives the text back (SentencePiece adds its dummy-prefix space in front).
    void roundTrip()
    {
        QFETCH(QString, vocab);
        QFETCH(QByteArray, text);
        Tokenizer* tokenizer = tokenizerFor(vocab);
        QVERIFY(tokenizer);
        const std::string input(text.constData(), text.size());
        const auto ids = tokenizer->encode(input, false, false);
        std::string decoded = tokenizer->decode(ids);
        if (tokenizer->kind() == "sentencepiece" && !decoded.empty() && decoded[0] == ' ')
            decoded.erase(0, 1);
        QCOMPARE(QByteArray::fromStdString(decoded), text);
    }
    void roundTrip_data() { vectors_data(); }

    void referencePrompts_data()
    {
        QTest::addColumn<QString>("model");
        for (const char* model : { "stories260K", "tiny-llama31-f32", "tiny-llama31-q4_k_m",
                 "small-llama31-q4_k_m", "tiny-llama32-tied-q8_0" }) {
            QTest::newRow(model) << QString(model);
        }
    }

    // The reference prompts tokenized as llama.cpp did: BOS added, special-token text parsed.
    void referencePrompts()
    {
        QFETCH(QString, model);
        const QJsonObject ref
            = QJsonDocument::fromJson(test::readFile(test::testdata("reference/llamacpp/" + model + ".json")))
                  .object();
        QVERIFY(!ref.isEmpty());
        Tokenizer* tokenizer = tokenizerFor("models/" + model + ".gguf");
        QVERIFY(tokenizer);
        const QByteArray prompt = ref["prompt"].toString().toUtf8();
        std::vector<int32_t> expected;
        for (const auto& v : ref["prompt_tokens"].toArray())
            expected.push_back(v.toInt());
        const auto ids = tokenizer->encode(std::string_view(prompt.constData(), prompt.size()), true, true);
        QCOMPARE(idsToString(ids), idsToString(expected));
    }

    // A user typing "<|eot_id|>" must not end the turn: it stays plain text unless parsing is asked for.
    void typedSpecialStaysText_data()
    {
        QTest::addColumn<QString>("vocab");
        QTest::addColumn<int>("eotId");
        QTest::newRow("llama31") << "tokenizer/llama31-vocab.gguf" << 128009;
        QTest::newRow("vocab-4k") << "models/tiny-llama31-f32.gguf" << 3849;
    }
    void typedSpecialStaysText()
    {
        QFETCH(QString, vocab);
        QFETCH(int, eotId);
        Tokenizer* tokenizer = tokenizerFor(vocab);
        QVERIFY(tokenizer);
        QCOMPARE(tokenizer->special().eot, eotId);
        const std::string text = "Please print <|eot_id|> literally.";
        const auto plain = tokenizer->encode(text, false, false);
        QVERIFY(std::find(plain.begin(), plain.end(), eotId) == plain.end());
        QCOMPARE(tokenizer->decode(plain), text);
        const auto parsed = tokenizer->encode(text, false, true);
        QCOMPARE(std::count(parsed.begin(), parsed.end(), eotId), 1);
        QVERIFY(tokenizer->isEndOfGeneration(eotId));
        QVERIFY(tokenizer->isControl(eotId));
    }

    // A long text is encoded in newline-ended chunks; the result equals libsentencepiece on the whole.
    void sentencePieceLongText()
    {
        auto* spm = dynamic_cast<SentencePieceTokenizer*>(tokenizerFor("tokenizer/llama-spm-vocab.gguf"));
        QVERIFY(spm);
        const QByteArray vectors = test::readFile(test::testdata("tokenizer/llama-spm.inp"));
        std::string text;
        while (text.size() < 40000)
            text.append(vectors.constData(), vectors.size());
        const auto chunked = spm->encode(text, true, false);
        spm->setChunking(false);
        const auto whole = spm->encode(text, true, false);
        spm->setChunking(true);
        QVERIFY(whole.size() > 10000);
        QCOMPARE(idsToString(chunked), idsToString(whole));
    }

    void specialIds()
    {
        Tokenizer* llama3 = tokenizerFor("tokenizer/llama31-vocab.gguf");
        QVERIFY(llama3);
        QCOMPARE(llama3->kind(), std::string_view("llama3-bpe"));
        QCOMPARE(llama3->vocabSize(), 128256);
        QCOMPARE(llama3->special().bos, 128000);
        QCOMPARE(llama3->special().endOfText, 128001);
        QCOMPARE(llama3->special().eom, 128008);
        Tokenizer* spm = tokenizerFor("models/stories260K.gguf");
        QVERIFY(spm);
        QCOMPARE(spm->kind(), std::string_view("sentencepiece"));
        QCOMPARE(spm->special().bos, 1);
        QCOMPARE(spm->special().eos, 2);
        QVERIFY(spm->encode("", false, false).empty());
    }
};

QTEST_APPLESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
