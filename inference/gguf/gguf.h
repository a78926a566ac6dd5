// A GGUF v2/v3 file: memory-mapped, validated on open, then read through typed accessors.
// Every size and offset is checked against the file before anything is read; a file that fails
// validation is rejected with a message naming the byte offset and what was wrong.
#pragma once

#include "quant/types.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hearth {

enum class GgufValueType : uint32_t {
    Uint8 = 0,
    Int8 = 1,
    Uint16 = 2,
    Int16 = 3,
    Uint32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    Uint64 = 10,
    Int64 = 11,
    Float64 = 12,
};

// One metadata value. Arrays keep their element type; strings are views into the mapping.
struct GgufArray;
using GgufValue = std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float, bool,
    std::string_view, uint64_t, int64_t, double, std::shared_ptr<GgufArray>>;

struct GgufArray {
    GgufValueType elementType;
    std::vector<GgufValue> values;
};

struct GgufTensorInfo {
    std::string name;
    TensorType type;
    std::vector<uint64_t> shape; // ggml order: shape[0] is the contiguous (row) dimension
    uint64_t elementCount = 0;
    uint64_t byteSize = 0;
    uint64_t fileOffset = 0; // absolute offset of the data in the file
    const uint8_t* data = nullptr; // into the mapping
};

class GgufFile {
public:
    // Maps and validates the file. Never crashes or reads out of bounds on any input.
    static Result<std::unique_ptr<GgufFile>> open(const std::string& path);
    // The same over bytes already in memory (used by the fuzzer and tests); the bytes must outlive the file.
    static Result<std::unique_ptr<GgufFile>> fromBytes(std::span<const uint8_t> bytes);

    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    uint32_t version() const;
    std::string_view path() const;
    uint64_t fileSize() const;
    uint64_t alignment() const;
    uint64_t dataOffset() const; // start of the tensor data section
    // True when the bytes are a read-only mapping of the file (open), false over caller's bytes
    // (fromBytes): only a file's clean pages can be dropped and read back (releaseFilePages).
    bool fileMapped() const;

    // Metadata in file order.
    const std::vector<std::pair<std::string, GgufValue>>& metadata() const;
    const GgufValue* find(std::string_view key) const;

    // Typed lookups: nullopt when absent or of another type. Integer getters accept any integer type
    // whose value fits.
    std::optional<std::string_view> getString(std::string_view key) const;
    std::optional<uint64_t> getUint(std::string_view key) const;
    std::optional<int64_t> getInt(std::string_view key) const;
    std::optional<double> getFloat(std::string_view key) const; // any float or integer
    std::optional<bool> getBool(std::string_view key) const;
    const GgufArray* getArray(std::string_view key) const;

    const std::vector<GgufTensorInfo>& tensors() const;
    const GgufTensorInfo* tensor(std::string_view name) const;

private:
    GgufFile();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Integer/float views of a value: any integer type whose value fits (bool is not an integer);
// valueAsFloat also accepts integers.
std::optional<uint64_t> valueAsUint(const GgufValue& value);
std::optional<int64_t> valueAsInt(const GgufValue& value);
std::optional<double> valueAsFloat(const GgufValue& value);

// Human-readable rendering of a value (for `hearth-cli info`); arrays are summarised.
std::string describeValue(const GgufValue& value);

// Drops this process's copy of the whole pages inside [begin, begin + bytes) of a file mapping
// (GgufFile::open's): they are clean, so they leave the resident set and are read from the file again
// if touched. Only for bytes of a file mapping: caller's memory would read back as zeros.
void releaseFilePages(const void* begin, size_t bytes);

} // namespace hearth
