// SentencePiece tokenizer (`tokenizer.ggml.model = llama`: Llama 2, TinyStories) through
// libsentencepiece. The GGUF vocabulary is turned back into the ModelProto SentencePiece expects
// (pieces with scores and types, BPE, byte fallback, identity normalizer with a dummy prefix).
#pragma once

#include "tokenizer/tokenizer.h"

#include <memory>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace hearth {

class SentencePieceTokenizer final : public Tokenizer {
public:
    static Result<std::unique_ptr<SentencePieceTokenizer>> create(const GgufFile& file);
    ~SentencePieceTokenizer() override;

    std::string piece(int32_t id) const override;
    std::string_view kind() const override { return "sentencepiece"; }

    // Long texts are encoded in newline-ended chunks when that is exact (see encodeText); tests turn
    // it off to compare with libsentencepiece on the whole text.
    void setChunking(bool enabled) { m_chunking = enabled; }

protected:
    void encodeText(std::string_view text, std::vector<int32_t>& out) const override;

private:
    SentencePieceTokenizer();
    std::string buildModelProto(const std::vector<float>& scores, bool dummyPrefix) const;

    static constexpr size_t kChunkBytes = 4096;
    std::unique_ptr<sentencepiece::SentencePieceProcessor> m_processor; // adds the dummy prefix
    std::unique_ptr<sentencepiece::SentencePieceProcessor> m_continuation; // does not
    bool m_canChunk = false;
    bool m_chunking = true;
};

} // namespace hearth
