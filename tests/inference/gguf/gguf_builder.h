// Hand-assembled GGUF bytes for the validation tests: every field written explicitly, so a test
// can put any wrong value at any place.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace hearth::test {

class GgufBuilder {
public:
    std::vector<uint8_t> bytes;

    GgufBuilder& u8(uint8_t v) { return raw(&v, 1); }
    GgufBuilder& u32(uint32_t v) { return raw(&v, 4); }
    GgufBuilder& u64(uint64_t v) { return raw(&v, 8); }
    GgufBuilder& f32(float v) { return raw(&v, 4); }
    GgufBuilder& str(const std::string& s)
    {
        u64(s.size());
        return raw(s.data(), s.size());
    }
    GgufBuilder& header(uint64_t tensors, uint64_t kvs, uint32_t version = 3)
    {
        return u32(0x46554747).u32(version).u64(tensors).u64(kvs);
    }
    GgufBuilder& kvU32(const std::string& key, uint32_t v) { return str(key).u32(4).u32(v); }
    GgufBuilder& kvString(const std::string& key, const std::string& v) { return str(key).u32(8).str(v); }
    GgufBuilder& tensor(const std::string& name, std::vector<uint64_t> shape, uint32_t type, uint64_t offset)
    {
        str(name).u32(static_cast<uint32_t>(shape.size()));
        for (uint64_t d : shape)
            u64(d);
        return u32(type).u64(offset);
    }
    // Pads to `alignment` and appends `n` data bytes.
    GgufBuilder& data(size_t n, size_t alignment = 32)
    {
        while (bytes.size() % alignment)
            bytes.push_back(0);
        bytes.resize(bytes.size() + n, 0x11);
        return *this;
    }
    GgufBuilder& raw(const void* p, size_t n)
    {
        const auto* b = static_cast<const uint8_t*>(p);
        bytes.insert(bytes.end(), b, b + n);
        return *this;
    }
};

} // namespace hearth::test
