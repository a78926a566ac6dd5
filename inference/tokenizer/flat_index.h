// Open-addressing hash tables for the tokenizer's two hot lookups: token text → id (128k entries)
// and symbol pair → merge (280k entries). std::unordered_map allocates a node per entry and chases
// a pointer per probe; these are flat arrays, which makes loading the Llama 3 vocabulary several
// times faster and keeps encode lookups to one or two cache misses.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

// Text → index into a vector of strings that outlives the index (the vocabulary).
class TextIndex {
public:
    void build(const std::vector<std::string>& texts)
    {
        m_texts = &texts;
        size_t capacity = 16;
        while (capacity < texts.size() * 2)
            capacity *= 2;
        m_mask = capacity - 1;
        m_slots.assign(capacity, 0);
        for (size_t i = 0; i < texts.size(); ++i)
            insert(static_cast<int32_t>(i));
    }

    // -1 when absent.
    int32_t find(std::string_view text) const
    {
        if (m_slots.empty()) return -1;
        const uint64_t h = hash(text);
        const auto tag = static_cast<uint32_t>(h >> 32);
        for (size_t slot = h & m_mask;; slot = (slot + 1) & m_mask) {
            const uint64_t entry = m_slots[slot];
            if (entry == 0) return -1;
            if (static_cast<uint32_t>(entry >> 32) == tag) {
                const auto id = static_cast<int32_t>((entry & 0xFFFFFFFFu) - 1);
                if ((*m_texts)[id] == text) return id;
            }
        }
    }

private:
    static uint64_t hash(std::string_view text) { return std::hash<std::string_view> {}(text); }

    // A duplicated text keeps its last id, as llama.cpp's token_to_id does.
    void insert(int32_t id)
    {
        const std::string& text = (*m_texts)[id];
        const uint64_t h = hash(text);
        const uint64_t entry = (h & 0xFFFFFFFF00000000ull) | static_cast<uint32_t>(id + 1);
        for (size_t slot = h & m_mask;; slot = (slot + 1) & m_mask) {
            const uint64_t current = m_slots[slot];
            if (current == 0
                || ((current >> 32) == (entry >> 32)
                    && (*m_texts)[static_cast<int32_t>((current & 0xFFFFFFFFu) - 1)] == text)) {
                m_slots[slot] = entry;
                return;
            }
        }
    }

    const std::vector<std::string>* m_texts = nullptr;
    std::vector<uint64_t> m_slots; // (hash high bits << 32) | (id + 1); 0 is empty
    size_t m_mask = 0;
};

// 64-bit key → value; the key ~0 is reserved for empty slots.
template <typename Value> class PairIndex {
public:
    void reserve(size_t count)
    {
        size_t capacity = 16;
        while (capacity < count * 2)
            capacity *= 2;
        m_mask = capacity - 1;
        m_keys.assign(capacity, kEmpty);
        m_values.assign(capacity, Value {});
    }

    // Keeps the first value inserted for a key (the lowest merge rank).
    void tryInsert(uint64_t key, const Value& value)
    {
        for (size_t slot = mix(key) & m_mask;; slot = (slot + 1) & m_mask) {
            if (m_keys[slot] == key) return;
            if (m_keys[slot] == kEmpty) {
                m_keys[slot] = key;
                m_values[slot] = value;
                return;
            }
        }
    }

    const Value* find(uint64_t key) const
    {
        if (m_keys.empty()) return nullptr;
        for (size_t slot = mix(key) & m_mask;; slot = (slot + 1) & m_mask) {
            if (m_keys[slot] == key) return &m_values[slot];
            if (m_keys[slot] == kEmpty) return nullptr;
        }
    }

private:
    static constexpr uint64_t kEmpty = ~0ull;
    static uint64_t mix(uint64_t x) // splitmix64 finaliser: pair ids are far from random
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9ull;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBull;
        return x ^ (x >> 31);
    }

    std::vector<uint64_t> m_keys;
    std::vector<Value> m_values;
    size_t m_mask = 0;
};

} // namespace hearth
