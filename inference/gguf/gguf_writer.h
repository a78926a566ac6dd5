// GgufWriter: writes a GGUF v3 file — metadata of every type, then the tensor table, then tensor
// data streamed in declaration order, each tensor aligned. Nothing is held in memory but the
// metadata, so multi-gigabyte models can be written tensor by tensor.
#pragma once

#include "gguf/gguf.h"

#include <cstdio>
#include <deque>
#include <string>
#include <vector>

namespace hearth {

class GgufWriter {
public:
    explicit GgufWriter(uint32_t alignment = 32);
    ~GgufWriter();
    GgufWriter(const GgufWriter&) = delete;
    GgufWriter& operator=(const GgufWriter&) = delete;

    // Metadata, in the order set; setting a key again replaces its value in place. Strings and
    // arrays are copied, so values may point into a GgufFile that closes before write().
    void set(const std::string& key, const GgufValue& value);
    void setString(const std::string& key, std::string_view value);
    void setUint32(const std::string& key, uint32_t value) { set(key, value); }
    void setFloat32(const std::string& key, float value) { set(key, value); }
    void setBool(const std::string& key, bool value) { set(key, value); }
    void remove(const std::string& key);
    bool has(const std::string& key) const;

    // Declares a tensor (ggml shape order: shape[0] is the row length). Returns its byte size.
    // All tensors must be declared before open().
    Result<uint64_t> addTensor(const std::string& name, TensorType type, const std::vector<uint64_t>& shape);

    // Creates the file and writes header, metadata and tensor table.
    Status open(const std::string& path);
    // Appends data of the next tensor in declaration order; may be called several times per tensor
    // (rows in chunks) as long as the total equals its byte size.
    Status writeData(const void* data, size_t bytes);
    // Checks every tensor was written in full, then flushes and closes.
    Status finish();

private:
    struct Tensor {
        std::string name;
        TensorType type;
        std::vector<uint64_t> shape;
        uint64_t byteSize;
        uint64_t offset; // relative to the data section
    };

    GgufValue ownedCopy(const GgufValue& value);
    Status writeBytes(const void* data, size_t bytes);
    Status writeValue(const GgufValue& value);
    Status writeString(std::string_view s);
    Status pad();
    Error ioError(const std::string& what) const;

    uint32_t m_alignment;
    std::deque<std::string> m_strings; // storage for the metadata's string views
    std::vector<std::pair<std::string, GgufValue>> m_metadata;
    std::vector<Tensor> m_tensors;
    uint64_t m_dataSize = 0;
    std::string m_path;
    std::FILE* m_file = nullptr;
    uint64_t m_written = 0; // bytes written to the file so far
    uint64_t m_dataStart = 0; // absolute offset of the data section
    size_t m_current = 0; // tensor receiving data
    uint64_t m_currentDone = 0; // its bytes written so far
};

} // namespace hearth
