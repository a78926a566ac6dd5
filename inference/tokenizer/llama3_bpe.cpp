#include "tokenizer/llama3_bpe.h"

#include "gguf/gguf.h"
#include "tokenizer/pretokenize.h"
#include "tokenizer/unicode.h"

#include <queue>

namespace hearth {

namespace {

// GPT-2's table: printable bytes stand for themselves, the others take code points from 256 up.
std::array<uint32_t, 256> byteToCodepoint()
{
    std::array<uint32_t, 256> table {};
    uint32_t next = 256;
    for (uint32_t b = 0; b < 256; ++b) {
        const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        table[b] = printable ? b : next++;
    }
    return table;
}

constexpr size_t kWordCacheLimit = 200000;

} // namespace

Result<std::unique_ptr<Llama3Bpe>> Llama3Bpe::create(const GgufFile& file)
{
    std::unique_ptr<Llama3Bpe> tokenizer(new Llama3Bpe());
    if (auto status = tokenizer->loadVocabulary(file); !status) return status.error();

    const auto table = byteToCodepoint();
    for (int b = 0; b < 256; ++b) {
        unicode::appendUtf8(tokenizer->m_byteToChar[b], table[b]);
        tokenizer->m_charToByte[table[b]] = static_cast<uint8_t>(b);
        tokenizer->m_byteSymbol[b] = tokenizer->symbolId(tokenizer->m_byteToChar[b]);
    }
    if (auto status = tokenizer->loadMerges(file); !status) return status.error();
    return tokenizer;
}

int32_t Llama3Bpe::symbolId(const std::string& text)
{
    if (const int32_t id = m_ids.find(text); id >= 0) return id;
    if (auto it = m_extraIds.find(text); it != m_extraIds.end()) return it->second;
    const auto id = static_cast<int32_t>(m_texts.size() + m_extraSymbols.size());
    m_extraSymbols.push_back(text);
    m_extraIds.emplace(text, id);
    return id;
}

Status Llama3Bpe::loadMerges(const GgufFile& file)
{
    const GgufArray* merges = file.getArray("tokenizer.ggml.merges");
    if (!merges || merges->elementType != GgufValueType::String) {
        return makeError(ErrorCode::BadFormat, "tokenizer.ggml.merges is missing or not a string array");
    }
    m_merges.reserve(merges->values.size());
    std::string left, right;
    for (size_t rank = 0; rank < merges->values.size(); ++rank) {
        // Each merge is "left right"; the separator is the first space after the first character
        // (a symbol never contains a plain space: byte 0x20 is mapped to 'Ġ').
        const auto text = std::get<std::string_view>(merges->values[rank]);
        const size_t space = text.find(' ', 1);
        if (space == std::string_view::npos) {
            return makeError(ErrorCode::BadFormat,
                "merge " + std::to_string(rank) + " ('" + std::string(text)
                    + "') is not two symbols separated by a space");
        }
        left.assign(text.substr(0, space));
        right.assign(text.substr(space + 1));
        const int32_t a = symbolId(left);
        const int32_t b = symbolId(right);
        left += right;
        const int32_t merged = symbolId(left);
        // The first occurrence of a pair keeps its (lowest) rank.
        m_merges.tryInsert(pairKey(a, b), Merge { static_cast<int32_t>(rank), merged });
    }
    return Ok {};
}

void Llama3Bpe::encodeText(std::string_view text, std::vector<int32_t>& out) const
{
    const std::vector<uint32_t> cpts = unicode::decodeUtf8(text);
    const std::vector<size_t> words = splitLlama3Words(cpts);

    std::string bytes;
    std::string mapped;
    size_t start = 0;
    for (size_t length : words) {
        // The word's UTF-8 bytes, and the same bytes as printable stand-ins: the vocabulary's form.
        bytes.clear();
        mapped.clear();
        for (size_t i = start; i < start + length; ++i)
            unicode::appendUtf8(bytes, cpts[i]);
        for (unsigned char c : bytes)
            mapped += m_byteToChar[c];
        start += length;
        encodeWord(bytes, mapped, out);
    }
}

void Llama3Bpe::encodeWord(
    const std::string& bytes, const std::string& mapped, std::vector<int32_t>& out) const
{
    // Llama 3 ignores merges for a word that is itself in the vocabulary (llama.cpp: ignore_merges).
    if (const int32_t id = m_ids.find(mapped); id >= 0) {
        out.push_back(id);
        return;
    }
    {
        std::lock_guard lock(m_cacheMutex);
        if (auto it = m_wordCache.find(bytes); it != m_wordCache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }

    // Symbols start as one stand-in character per byte, kept in a linked list so merges are O(1).
    struct Symbol {
        int32_t id;
        int prev;
        int next;
    };
    std::vector<Symbol> symbols;
    symbols.reserve(bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) {
        const int index = static_cast<int>(i);
        symbols.push_back({ m_byteSymbol[static_cast<uint8_t>(bytes[i])], index - 1, index + 1 });
    }
    symbols.back().next = -1;

    // Candidate merges ordered by rank, then by position (leftmost first), as in llama.cpp.
    struct Candidate {
        int32_t rank;
        int left;
        int32_t leftId;
        int32_t rightId;
        int32_t result;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
    auto tryPair = [&](int left) {
        if (left < 0 || symbols[left].next < 0) return;
        const Symbol& a = symbols[left];
        const Symbol& b = symbols[a.next];
        if (const Merge* m = m_merges.find(pairKey(a.id, b.id)))
            queue.push({ m->rank, left, a.id, b.id, m->result });
    };
    for (int i = 0; i + 1 < static_cast<int>(symbols.size()); ++i)
        tryPair(i);

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol& left = symbols[c.left];
        // Skip stale candidates: either side was merged away or changed since it was queued.
        if (left.id != c.leftId || left.next < 0 || symbols[left.next].id != c.rightId) continue;
        Symbol& right = symbols[left.next];
        left.id = c.result;
        left.next = right.next;
        if (right.next >= 0) symbols[right.next].prev = c.left;
        right.id = -2; // dead
        tryPair(left.prev);
        tryPair(c.left);
    }

    std::vector<int32_t> ids;
    for (int i = 0; i >= 0; i = symbols[i].next)
        emitSymbol(symbols[i].id, ids);
    out.insert(out.end(), ids.begin(), ids.end());

    std::lock_guard lock(m_cacheMutex);
    if (m_wordCache.size() >= kWordCacheLimit) m_wordCache.clear();
    m_wordCache.emplace(bytes, std::move(ids));
}

void Llama3Bpe::emitSymbol(int32_t symbol, std::vector<int32_t>& out) const
{
    if (symbol >= 0 && symbol < vocabSize()) {
        out.push_back(symbol);
        return;
    }
    if (symbol < 0) return;
    // A symbol the vocabulary lacks: fall back to the tokens of its single bytes, where they exist.
    for (char c : m_extraSymbols[symbol - vocabSize()]) {
        if (const int32_t id = m_ids.find(std::string_view(&c, 1)); id >= 0) out.push_back(id);
    }
}

std::string Llama3Bpe::piece(int32_t id) const
{
    if (id < 0 || id >= vocabSize()) return {};
    const TokenType t = m_types[id];
    // Control and user-defined tokens are literal text; normal tokens are stand-ins for bytes.
    if (t == TokenType::Control || t == TokenType::UserDefined || t == TokenType::Unknown) return m_texts[id];
    std::string bytes;
    for (uint32_t cp : unicode::decodeUtf8(m_texts[id])) {
        auto it = m_charToByte.find(cp);
        if (it != m_charToByte.end())
            bytes.push_back(static_cast<char>(it->second));
        else
            unicode::appendUtf8(bytes, cp);
    }
    return bytes;
}

} // namespace hearth
