#include "tokenizer/tokenizer.h"

#include "gguf/gguf.h"
#include "tokenizer/llama3_bpe.h"
#include "tokenizer/sentencepiece_tokenizer.h"

#include <algorithm>

namespace hearth {

Tokenizer::~Tokenizer() = default;

Result<std::unique_ptr<Tokenizer>> Tokenizer::fromGguf(const GgufFile& file)
{
    const auto model = file.getString("tokenizer.ggml.model");
    if (!model) {
        return makeError(ErrorCode::BadFormat, "the file has no tokenizer (tokenizer.ggml.model is missing)");
    }
    if (*model == "gpt2") {
        const std::string pre(file.getString("tokenizer.ggml.pre").value_or(""));
        // Llama 3's pre-tokenizer is the only gpt2-style split we implement; other splits would
        // tokenize differently, so refuse them instead of producing subtly wrong ids.
        if (pre != "llama-bpe" && pre != "llama3" && pre != "default" && !pre.empty()) {
            return makeError(
                ErrorCode::Unsupported, "unsupported BPE pre-tokenizer '" + pre + "' (expected llama-bpe)");
        }
        auto bpe = Llama3Bpe::create(file);
        if (!bpe) return bpe.error();
        return std::unique_ptr<Tokenizer>(std::move(bpe.value()));
    }
    if (*model == "llama") {
        auto spm = SentencePieceTokenizer::create(file);
        if (!spm) return spm.error();
        return std::unique_ptr<Tokenizer>(std::move(spm.value()));
    }
    return makeError(ErrorCode::Unsupported,
        "unsupported tokenizer '" + std::string(*model) + "' (expected gpt2 or llama)");
}

Status Tokenizer::loadVocabulary(const GgufFile& file)
{
    const GgufArray* tokens = file.getArray("tokenizer.ggml.tokens");
    if (!tokens || tokens->elementType != GgufValueType::String || tokens->values.empty()) {
        return makeError(ErrorCode::BadFormat, "tokenizer.ggml.tokens is missing or not a string array");
    }
    const size_t count = tokens->values.size();
    m_texts.reserve(count);
    for (const auto& value : tokens->values)
        m_texts.emplace_back(std::get<std::string_view>(value));

    // Types are optional in GGUF; absent means every token is normal.
    m_types.assign(count, TokenType::Normal);
    if (const GgufArray* types = file.getArray("tokenizer.ggml.token_type")) {
        if (types->values.size() != count) {
            return makeError(ErrorCode::BadFormat,
                "tokenizer.ggml.token_type has " + std::to_string(types->values.size())
                    + " entries, expected " + std::to_string(count));
        }
        for (size_t i = 0; i < count; ++i) {
            int64_t t = std::visit(
                [](const auto& v) -> int64_t {
                    using V = std::decay_t<decltype(v)>;
                    if constexpr (std::is_integral_v<V>)
                        return static_cast<int64_t>(v);
                    else
                        return 1;
                },
                types->values[i]);
            m_types[i] = (t >= 0 && t <= 6) ? static_cast<TokenType>(t) : TokenType::Normal;
        }
    }

    // A duplicated text maps to its last id, as in llama.cpp.
    m_ids.build(m_texts);

    // Special ids: from metadata when present, else by their well-known text.
    auto idFromKey = [&](const char* key) -> int32_t {
        auto v = file.getUint(key);
        return (v && *v < count) ? static_cast<int32_t>(*v) : -1;
    };
    auto idFromText = [&](std::string_view text) -> int32_t { return m_ids.find(text); };
    m_special.bos = idFromKey("tokenizer.ggml.bos_token_id");
    m_special.eos = idFromKey("tokenizer.ggml.eos_token_id");
    m_special.unknown = idFromKey("tokenizer.ggml.unknown_token_id");
    m_special.eot = idFromKey("tokenizer.ggml.eot_token_id");
    if (m_special.eot < 0) m_special.eot = idFromText("<|eot_id|>");
    m_special.eom = idFromKey("tokenizer.ggml.eom_token_id");
    if (m_special.eom < 0) m_special.eom = idFromText("<|eom_id|>");
    m_special.endOfText = idFromText("<|end_of_text|>");
    m_special.addBos = file.getBool("tokenizer.ggml.add_bos_token").value_or(true);

    indexSpecialTokens();
    return Ok {};
}

void Tokenizer::indexSpecialTokens()
{
    m_controlByFirstByte.assign(256, {});
    m_userDefinedByFirstByte.assign(256, {});
    for (size_t i = 0; i < m_texts.size(); ++i) {
        if (m_texts[i].empty()) continue;
        const auto first = static_cast<uint8_t>(m_texts[i][0]);
        if (m_types[i] == TokenType::Control || m_types[i] == TokenType::Unknown)
            m_controlByFirstByte[first].push_back(static_cast<int32_t>(i));
        if (m_types[i] == TokenType::UserDefined)
            m_userDefinedByFirstByte[first].push_back(static_cast<int32_t>(i));
    }
    // Longest first, so "<|eot_id|>" wins over any shorter token that is its prefix.
    auto longestFirst = [this](int32_t a, int32_t b) { return m_texts[a].size() > m_texts[b].size(); };
    for (auto& list : m_controlByFirstByte)
        std::stable_sort(list.begin(), list.end(), longestFirst);
    for (auto& list : m_userDefinedByFirstByte)
        std::stable_sort(list.begin(), list.end(), longestFirst);
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool addBos, bool parseSpecial) const
{
    std::vector<int32_t> out;
    if (addBos && m_special.bos >= 0) out.push_back(m_special.bos);

    // Walk the text; where a special token's text starts, flush the plain stretch before it and emit
    // the token. User-defined tokens always match (as in llama.cpp); control and unknown tokens only
    // on request.
    size_t plainStart = 0;
    size_t pos = 0;
    auto matchAt = [&](const std::vector<int32_t>& candidates) -> int32_t {
        for (int32_t id : candidates) {
            const std::string& t = m_texts[id];
            if (text.compare(pos, t.size(), t) == 0) return id;
        }
        return -1;
    };
    while (pos < text.size()) {
        const auto first = static_cast<uint8_t>(text[pos]);
        int32_t id = parseSpecial ? matchAt(m_controlByFirstByte[first]) : -1;
        if (id < 0) id = matchAt(m_userDefinedByFirstByte[first]);
        if (id < 0) {
            ++pos;
            continue;
        }
        if (pos > plainStart) encodeText(text.substr(plainStart, pos - plainStart), out);
        out.push_back(id);
        pos += m_texts[id].size();
        plainStart = pos;
    }
    if (plainStart < text.size()) encodeText(text.substr(plainStart), out);
    return out;
}

std::string Tokenizer::decode(std::span<const int32_t> ids) const
{
    std::string out;
    for (int32_t id : ids)
        out += piece(id);
    return out;
}

bool Tokenizer::isControl(int32_t id) const
{
    return type(id) == TokenType::Control;
}

TokenType Tokenizer::type(int32_t id) const
{
    return (id >= 0 && id < vocabSize()) ? m_types[id] : TokenType::Undefined;
}

std::string_view Tokenizer::tokenText(int32_t id) const
{
    return (id >= 0 && id < vocabSize()) ? std::string_view(m_texts[id]) : std::string_view();
}

std::optional<int32_t> Tokenizer::findToken(std::string_view text) const
{
    const int32_t id = m_ids.find(text);
    if (id < 0) return std::nullopt;
    return id;
}

bool Tokenizer::isEndOfGeneration(int32_t id) const
{
    return id >= 0
        && (id == m_special.eos || id == m_special.eot || id == m_special.eom || id == m_special.endOfText);
}

} // namespace hearth
