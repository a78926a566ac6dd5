// Tokenizer: text ↔ token ids for the vocabulary stored in a GGUF file.
// Two algorithms sit behind one interface: Llama 3's byte-level BPE (llama3_bpe.h) and SentencePiece
// (sentencepiece_tokenizer.h). This base class owns what they share: the vocabulary, token types,
// special ids, and the splitting of text around special-token text.
#pragma once

#include "tokenizer/flat_index.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class GgufFile;

// GGUF and SentencePiece number the token types alike.
enum class TokenType : int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

struct SpecialTokens {
    int32_t bos = -1;
    int32_t eos = -1;
    int32_t eot = -1; // <|eot_id|>: end of a chat turn
    int32_t eom = -1; // <|eom_id|>: end of a tool-call message
    int32_t endOfText = -1; // <|end_of_text|>
    int32_t unknown = -1;
    bool addBos = true; // tokenizer.ggml.add_bos_token
};

class Tokenizer {
public:
    virtual ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete; // m_ids points into m_texts
    Tokenizer& operator=(const Tokenizer&) = delete;

    // Picks the algorithm from `tokenizer.ggml.model` (gpt2 + pre llama-bpe, or llama).
    static Result<std::unique_ptr<Tokenizer>> fromGguf(const GgufFile& file);

    // Text to ids. Special-token text (e.g. "<|eot_id|>") becomes its token only when
    // `parseSpecial`; otherwise it is tokenized as the plain characters the user typed.
    std::vector<int32_t> encode(std::string_view text, bool addBos, bool parseSpecial) const;

    // The bytes one token stands for (control tokens: their text). May be part of a UTF-8 character.
    virtual std::string piece(int32_t id) const = 0;
    std::string decode(std::span<const int32_t> ids) const;

    virtual std::string_view kind() const = 0; // "llama3-bpe" | "sentencepiece"

    const SpecialTokens& special() const { return m_special; }
    int32_t vocabSize() const { return static_cast<int32_t>(m_texts.size()); }
    bool isControl(int32_t id) const;
    TokenType type(int32_t id) const;
    // The vocabulary entry as stored in the file.
    std::string_view tokenText(int32_t id) const;
    std::optional<int32_t> findToken(std::string_view text) const;
    // eot, eom, end_of_text and EOS: the tokens that end a generation.
    bool isEndOfGeneration(int32_t id) const;

protected:
    Tokenizer() = default;
    // Reads tokens, types and special ids shared by both algorithms.
    Status loadVocabulary(const GgufFile& file);
    // Encodes a stretch of text that holds no special tokens (called once per stretch between them,
    // which is where SentencePiece adds its dummy-prefix space, as llama.cpp does).
    virtual void encodeText(std::string_view text, std::vector<int32_t>& out) const = 0;

    std::vector<std::string> m_texts;
    std::vector<TokenType> m_types;
    TextIndex m_ids; // text → id over m_texts
    SpecialTokens m_special;

private:
    // Special tokens that may be matched inside text, grouped by first byte, longest first.
    std::vector<std::vector<int32_t>> m_controlByFirstByte;
    std::vector<std::vector<int32_t>> m_userDefinedByFirstByte;
    void indexSpecialTokens();
};

} // namespace hearth
