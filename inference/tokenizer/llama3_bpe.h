// Llama 3's tokenizer (`tokenizer.ggml.model = gpt2`, `pre = llama-bpe`): byte-level BPE.
// Text is split into words by the Llama 3 pre-tokenizer, each word's bytes are mapped to printable
// characters (GPT-2's byte↔unicode table), and adjacent symbols are merged lowest rank first.
#pragma once

#include "tokenizer/tokenizer.h"

#include <array>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace hearth {

class Llama3Bpe final : public Tokenizer {
public:
    static Result<std::unique_ptr<Llama3Bpe>> create(const GgufFile& file);

    std::string piece(int32_t id) const override;
    std::string_view kind() const override { return "llama3-bpe"; }

protected:
    void encodeText(std::string_view text, std::vector<int32_t>& out) const override;

private:
    struct Merge {
        int32_t rank = 0;
        int32_t result = 0; // symbol id of the merged pair
    };

    Status loadMerges(const GgufFile& file);
    int32_t symbolId(const std::string& text); // vocab id, or an extra id past the vocabulary
    void encodeWord(const std::string& bytes, const std::string& mapped, std::vector<int32_t>& out) const;
    void emitSymbol(int32_t symbol, std::vector<int32_t>& out) const;

    static uint64_t pairKey(int32_t left, int32_t right)
    {
        return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
    }

    std::array<std::string, 256> m_byteToChar; // byte → its printable stand-in (UTF-8)
    std::array<int32_t, 256> m_byteSymbol {}; // byte → symbol id of that stand-in
    std::unordered_map<uint32_t, uint8_t> m_charToByte; // stand-in code point → byte
    PairIndex<Merge> m_merges; // (left, right) → rank and result

    // Merge results and stand-ins missing from the vocabulary (rare; llama.cpp then falls back to
    // single-byte tokens). Ids start at vocabSize().
    std::vector<std::string> m_extraSymbols;
    std::unordered_map<std::string, int32_t> m_extraIds;

    // Words repeat a lot in real text; caching their ids makes long documents fast.
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>> m_wordCache;
};

} // namespace hearth
