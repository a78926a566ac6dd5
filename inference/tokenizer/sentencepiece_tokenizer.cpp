#include "tokenizer/sentencepiece_tokenizer.h"

#include "gguf/gguf.h"

#include <cstring>
#include <sentencepiece_processor.h>

namespace hearth {

namespace {

// Minimal protobuf writer: enough of the wire format to serialise a ModelProto without linking
// libprotobuf (Debian ships no sentencepiece_model.pb.h).
class ProtoWriter {
public:
    void varint(uint64_t v)
    {
        while (v >= 0x80) {
            m_bytes.push_back(static_cast<char>((v & 0x7F) | 0x80));
            v >>= 7;
        }
        m_bytes.push_back(static_cast<char>(v));
    }
    void tag(int field, int wireType) { varint((static_cast<uint64_t>(field) << 3) | wireType); }
    void intField(int field, int64_t v)
    {
        tag(field, 0);
        varint(static_cast<uint64_t>(v)); // negative values sign-extend to ten bytes, as protobuf does
    }
    void boolField(int field, bool v) { intField(field, v ? 1 : 0); }
    void floatField(int field, float v)
    {
        tag(field, 5);
        char raw[4];
        std::memcpy(raw, &v, 4); // little-endian hosts only, like the rest of the GGUF reader
        m_bytes.append(raw, 4);
    }
    void bytesField(int field, std::string_view v)
    {
        tag(field, 2);
        varint(v.size());
        m_bytes.append(v);
    }
    const std::string& bytes() const { return m_bytes; }

private:
    std::string m_bytes;
};

// Field numbers from sentencepiece_model.proto.
namespace field {
constexpr int kPieces = 1, kTrainerSpec = 2, kNormalizerSpec = 3;
constexpr int kPiece = 1, kScore = 2, kType = 3;
constexpr int kModelType = 3, kByteFallback = 35, kUnkId = 40, kBosId = 41, kEosId = 42, kPadId = 43;
constexpr int kName = 1, kAddDummyPrefix = 3, kRemoveExtraWhitespaces = 4, kEscapeWhitespaces = 5;
constexpr int kModelTypeBpe = 2;
} // namespace field

} // namespace

SentencePieceTokenizer::SentencePieceTokenizer() = default;
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

Result<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::create(const GgufFile& file)
{
    std::unique_ptr<SentencePieceTokenizer> tokenizer(new SentencePieceTokenizer());
    if (auto status = tokenizer->loadVocabulary(file); !status) return status.error();

    std::vector<float> scores(tokenizer->m_texts.size(), 0.0f);
    if (const GgufArray* array = file.getArray("tokenizer.ggml.scores")) {
        if (array->values.size() != scores.size() || array->elementType != GgufValueType::Float32) {
            return makeError(ErrorCode::BadFormat, "tokenizer.ggml.scores must hold one float32 per token");
        }
        for (size_t i = 0; i < scores.size(); ++i)
            scores[i] = std::get<float>(array->values[i]);
    }
    for (const auto& text : tokenizer->m_texts) {
        if (text.empty())
            return makeError(ErrorCode::BadFormat, "the SentencePiece vocabulary has an empty piece");
    }
    if (tokenizer->m_special.unknown < 0) {
        // SentencePiece requires an unknown piece; llama.cpp's default is id 0.
        tokenizer->m_special.unknown = 0;
    }

    // Two processors: one adds the dummy-prefix space (start of a stretch of text), one does not
    // (continuation chunks of a long text, see encodeText).
    for (bool prefix : { true, false }) {
        auto processor = std::make_unique<sentencepiece::SentencePieceProcessor>();
        const auto status = processor->LoadFromSerializedProto(tokenizer->buildModelProto(scores, prefix));
        if (!status.ok()) {
            return makeError(ErrorCode::BadFormat,
                std::string("SentencePiece rejected the vocabulary: ") + status.ToString());
        }
        (prefix ? tokenizer->m_processor : tokenizer->m_continuation) = std::move(processor);
    }
    // Chunking at newlines is exact only when no piece can merge across one.
    tokenizer->m_canChunk = true;
    for (size_t i = 0; i < tokenizer->m_texts.size(); ++i) {
        if (tokenizer->m_types[i] != TokenType::Byte
            && tokenizer->m_texts[i].find('\n') != std::string::npos) {
            tokenizer->m_canChunk = false;
        }
    }
    return tokenizer;
}

std::string SentencePieceTokenizer::buildModelProto(const std::vector<float>& scores, bool dummyPrefix) const
{
    ProtoWriter model;
    for (size_t i = 0; i < m_texts.size(); ++i) {
        ProtoWriter piece;
        piece.bytesField(field::kPiece, m_texts[i]);
        piece.floatField(field::kScore, scores[i]);
        // The unknown piece must carry the UNKNOWN type whatever the file says.
        int type = static_cast<int>(m_types[i]);
        if (static_cast<int32_t>(i) == m_special.unknown) type = static_cast<int>(TokenType::Unknown);
        if (type < 1 || type > 6) type = static_cast<int>(TokenType::Normal);
        piece.intField(field::kType, type);
        model.bytesField(field::kPieces, piece.bytes());
    }

    ProtoWriter trainer;
    trainer.intField(field::kModelType, field::kModelTypeBpe);
    trainer.boolField(field::kByteFallback, true);
    trainer.intField(field::kUnkId, m_special.unknown);
    trainer.intField(field::kBosId, m_special.bos);
    trainer.intField(field::kEosId, m_special.eos);
    trainer.intField(field::kPadId, -1);
    model.bytesField(field::kTrainerSpec, trainer.bytes());

    ProtoWriter normalizer;
    normalizer.bytesField(field::kName, "identity");
    normalizer.boolField(field::kAddDummyPrefix, dummyPrefix);
    normalizer.boolField(field::kRemoveExtraWhitespaces, false);
    normalizer.boolField(field::kEscapeWhitespaces, true);
    model.bytesField(field::kNormalizerSpec, normalizer.bytes());
    return model.bytes();
}

void SentencePieceTokenizer::encodeText(std::string_view text, std::vector<int32_t>& out) const
{
    // libsentencepiece's BPE slows down sharply on long inputs (a 300 KB document takes seconds).
    // When no piece contains a newline, no merge crosses one, so the text can be encoded in chunks
    // that end just after a newline with the same result; only the first chunk gets the dummy-prefix
    // space, as the whole text would.
    size_t start = 0;
    bool first = true;
    std::vector<int> ids;
    while (start < text.size()) {
        size_t end = text.size();
        if (m_canChunk && m_chunking && text.size() - start > kChunkBytes) {
            const size_t newline = text.find('\n', start + kChunkBytes);
            if (newline != std::string_view::npos) end = newline + 1;
        }
        ids.clear();
        const auto& processor = first ? m_processor : m_continuation;
        if (!processor->Encode(text.substr(start, end - start), &ids).ok()) return;
        out.insert(out.end(), ids.begin(), ids.end());
        start = end;
        first = false;
    }
}

std::string SentencePieceTokenizer::piece(int32_t id) const
{
    if (id < 0 || id >= vocabSize()) return {};
    const std::string& text = m_texts[id];
    switch (m_types[id]) {
    case TokenType::Byte: {
        // "<0xNN>": one raw byte, possibly part of a multi-byte character.
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        if (text.size() == 6 && text.compare(0, 3, "<0x") == 0 && hex(text[3]) >= 0 && hex(text[4]) >= 0) {
            return std::string(1, static_cast<char>(hex(text[3]) * 16 + hex(text[4])));
        }
        return {};
    }
    case TokenType::Control:
    case TokenType::Unknown:
        return text;
    default: {
        // '▁' (U+2581) marks a space.
        std::string out;
        out.reserve(text.size());
        for (size_t i = 0; i < text.size(); ++i) {
            if (text.compare(i, 3, "\xE2\x96\x81") == 0) {
                out.push_back(' ');
                i += 2;
            } else {
                out.push_back(text[i]);
            }
        }
        return out;
    }
    }
}

} // namespace hearth
