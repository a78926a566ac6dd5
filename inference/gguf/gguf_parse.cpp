// GGUF parsing and validation. Every read is bounds-checked against the bytes, every size
// computation is overflow-checked, and the first problem found is reported with its byte offset.
// Running out of bytes is said plainly first (most such files are incomplete downloads), with the
// offset and the numbers after it.
#include "gguf/gguf_parse.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

namespace hearth::gguf_detail {

namespace {

constexpr uint32_t kMagic = 0x46554747; // "GGUF" read as a little-endian u32

bool checkedMul(uint64_t a, uint64_t b, uint64_t& out)
{
    return !__builtin_mul_overflow(a, b, &out);
}
bool checkedAdd(uint64_t a, uint64_t b, uint64_t& out)
{
    return !__builtin_add_overflow(a, b, &out);
}

// The smallest encoding of one array element of each type, to reject counts that cannot fit.
uint64_t minEncodedSize(GgufValueType type)
{
    switch (type) {
    case GgufValueType::Uint8:
    case GgufValueType::Int8:
    case GgufValueType::Bool:
        return 1;
    case GgufValueType::Uint16:
    case GgufValueType::Int16:
        return 2;
    case GgufValueType::Uint32:
    case GgufValueType::Int32:
    case GgufValueType::Float32:
        return 4;
    case GgufValueType::Uint64:
    case GgufValueType::Int64:
    case GgufValueType::Float64:
        return 8;
    case GgufValueType::String:
        return 8; // the length
    case GgufValueType::Array:
        return 12; // element type + count
    }
    return 1;
}

bool knownValueType(uint32_t type)
{
    return type <= static_cast<uint32_t>(GgufValueType::Float64);
}

class Parser {
public:
    explicit Parser(std::span<const uint8_t> bytes)
        : m_bytes(bytes)
    {
    }

    Result<Contents> run()
    {
        if (!header() || !metadata() || !tensorInfos() || !placement()) return m_error;
        return std::move(m_out);
    }

private:
    // Records the first error; always returns false so callers can `return fail(...)`.
    bool fail(ErrorCode code, uint64_t at, const std::string& what)
    {
        m_error = makeError(code, "byte " + std::to_string(at) + ": " + what);
        return false;
    }
    bool fail(uint64_t at, const std::string& what) { return fail(ErrorCode::BadFormat, at, what); }
    // The file has fewer bytes than its own header and tables promise.
    bool truncated(uint64_t at, const std::string& what)
    {
        m_error = makeError(ErrorCode::BadFormat,
            "the file ends early: it is shorter than its header says, probably an incomplete download; "
            "download it again (byte "
                + std::to_string(at) + ": " + what + ")");
        return false;
    }

    uint64_t left() const { return m_bytes.size() - m_pos; }

    bool need(uint64_t n, const char* what)
    {
        if (n <= left()) return true;
        return truncated(m_pos,
            std::string("file ends inside ") + what + " (needs " + std::to_string(n) + " bytes, "
                + std::to_string(left()) + " left)");
    }

    template <typename T> bool read(T& out, const char* what)
    {
        if (!need(sizeof(T), what)) return false;
        std::memcpy(&out, m_bytes.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return true;
    }

    bool readString(std::string_view& out, const char* what)
    {
        const uint64_t at = m_pos;
        uint64_t length = 0;
        if (!read(length, what)) return false;
        if (length > left())
            return truncated(at,
                std::string(what) + " length " + std::to_string(length) + " exceeds the "
                    + std::to_string(left()) + " bytes left in the file");
        out = std::string_view(reinterpret_cast<const char*>(m_bytes.data() + m_pos), length);
        m_pos += length;
        return true;
    }

    bool header()
    {
        uint32_t magic = 0, version = 0;
        if (!read(magic, "the magic")) return false;
        if (magic != kMagic) return fail(0, "bad magic: not a GGUF file");
        if (!read(version, "the version")) return false;
        if (version == 0x03000000u || version == 0x02000000u)
            return fail(ErrorCode::Unsupported, 4, "big-endian GGUF files are not supported");
        if (version == 1)
            return fail(
                ErrorCode::Unsupported, 4, "GGUF version 1 is obsolete and not supported (need 2 or 3)");
        if (version != 2 && version != 3)
            return fail(ErrorCode::Unsupported, 4,
                "unsupported GGUF version " + std::to_string(version) + " (need 2 or 3)");
        m_out.version = version;
        if (!read(m_tensorCount, "the tensor count") || !read(m_kvCount, "the metadata count")) return false;
        // Each tensor info takes at least 28 bytes (name length, one dim, type, offset); each
        // key-value at least 13 (key length, type, a one-byte value).
        if (m_tensorCount > left() / 28)
            return truncated(8,
                "tensor count " + std::to_string(m_tensorCount) + " cannot fit in the "
                    + std::to_string(left()) + " bytes left in the file");
        if (m_kvCount > left() / 13)
            return truncated(16,
                "metadata count " + std::to_string(m_kvCount) + " cannot fit in the " + std::to_string(left())
                    + " bytes left in the file");
        return true;
    }

    bool metadata()
    {
        std::unordered_set<std::string_view> keys;
        m_out.metadata.reserve(m_kvCount);
        for (uint64_t i = 0; i < m_kvCount; ++i) {
            const uint64_t at = m_pos;
            std::string_view key;
            uint32_t type = 0;
            if (!readString(key, "a metadata key")) return false;
            if (!keys.insert(key).second)
                return fail(at, "duplicate metadata key '" + std::string(key) + "'");
            const uint64_t typeAt = m_pos;
            if (!read(type, "a metadata value type")) return false;
            if (!knownValueType(type))
                return fail(typeAt,
                    "unknown metadata value type " + std::to_string(type) + " for key '" + std::string(key)
                        + "'");
            GgufValue value;
            if (!readValue(static_cast<GgufValueType>(type), 0, value)) return false;
            if (key == "general.alignment" && !alignmentKey(value, typeAt)) return false;
            m_out.metadata.emplace_back(std::string(key), std::move(value));
        }
        return true;
    }

    bool readValue(GgufValueType type, int depth, GgufValue& out)
    {
        switch (type) {
        case GgufValueType::Uint8:
            return readScalar<uint8_t>(out);
        case GgufValueType::Int8:
            return readScalar<int8_t>(out);
        case GgufValueType::Uint16:
            return readScalar<uint16_t>(out);
        case GgufValueType::Int16:
            return readScalar<int16_t>(out);
        case GgufValueType::Uint32:
            return readScalar<uint32_t>(out);
        case GgufValueType::Int32:
            return readScalar<int32_t>(out);
        case GgufValueType::Float32:
            return readScalar<float>(out);
        case GgufValueType::Uint64:
            return readScalar<uint64_t>(out);
        case GgufValueType::Int64:
            return readScalar<int64_t>(out);
        case GgufValueType::Float64:
            return readScalar<double>(out);
        case GgufValueType::Bool: {
            const uint64_t at = m_pos;
            uint8_t b = 0;
            if (!read(b, "a bool value")) return false;
            if (b > 1) return fail(at, "bool value " + std::to_string(b) + " is neither 0 nor 1");
            out = b == 1;
            return true;
        }
        case GgufValueType::String: {
            std::string_view s;
            if (!readString(s, "a string value")) return false;
            out = s;
            return true;
        }
        case GgufValueType::Array:
            return readArray(depth, out);
        }
        return fail(m_pos, "unknown value type");
    }

    template <typename T> bool readScalar(GgufValue& out)
    {
        T v {};
        if (!read(v, "a metadata value")) return false;
        out = v;
        return true;
    }

    bool readArray(int depth, GgufValue& out)
    {
        const uint64_t at = m_pos;
        uint32_t elementType = 0;
        uint64_t count = 0;
        if (!read(elementType, "an array element type") || !read(count, "an array length")) return false;
        if (!knownValueType(elementType))
            return fail(at, "unknown array element type " + std::to_string(elementType));
        const auto type = static_cast<GgufValueType>(elementType);
        if (type == GgufValueType::Array && depth + 1 >= kMaxArrayDepth)
            return fail(at, "arrays nested deeper than " + std::to_string(kMaxArrayDepth) + " levels");
        if (count > left() / minEncodedSize(type))
            return truncated(at + 4,
                "array length " + std::to_string(count) + " cannot fit in the " + std::to_string(left())
                    + " bytes left in the file");
        m_arrayElements += count;
        if (m_arrayElements > kMaxArrayElements)
            return fail(
                at + 4, "more than " + std::to_string(kMaxArrayElements) + " array elements in the file");
        auto array = std::make_shared<GgufArray>();
        array->elementType = type;
        array->values.resize(count);
        for (uint64_t i = 0; i < count; ++i)
            if (!readValue(type, depth + 1, array->values[i])) return false;
        out = std::move(array);
        return true;
    }

    // general.alignment: a power of two, stored as a uint32 (as ggml requires).
    bool alignmentKey(const GgufValue& value, uint64_t at)
    {
        const auto* v = std::get_if<uint32_t>(&value);
        if (!v) return fail(at, "general.alignment is not a uint32");
        if (*v == 0 || (*v & (*v - 1)) != 0)
            return fail(at, "general.alignment " + std::to_string(*v) + " is not a power of two");
        m_out.alignment = *v;
        return true;
    }

    bool tensorInfos()
    {
        std::unordered_set<std::string_view> names;
        m_out.tensors.reserve(m_tensorCount);
        for (uint64_t i = 0; i < m_tensorCount; ++i) {
            const uint64_t at = m_pos;
            std::string_view name;
            if (!readString(name, "a tensor name")) return false;
            if (!names.insert(name).second)
                return fail(at, "duplicate tensor name '" + std::string(name) + "'");
            GgufTensorInfo info;
            info.name = std::string(name);
            if (!tensorShape(info) || !tensorType(info)) return false;
            if (!read(info.fileOffset, "a tensor offset")) return false;
            m_out.tensors.push_back(std::move(info));
        }
        return true;
    }

    bool tensorShape(GgufTensorInfo& info)
    {
        const uint64_t at = m_pos;
        uint32_t dims = 0;
        if (!read(dims, "a tensor dimension count")) return false;
        if (dims == 0 || dims > kMaxDims)
            return fail(at,
                "tensor '" + info.name + "' has " + std::to_string(dims) + " dimensions (1 to "
                    + std::to_string(kMaxDims) + " allowed)");
        info.elementCount = 1;
        for (uint32_t d = 0; d < dims; ++d) {
            const uint64_t dimAt = m_pos;
            uint64_t size = 0;
            if (!read(size, "a tensor dimension")) return false;
            if (size == 0)
                return fail(
                    dimAt, "tensor '" + info.name + "' has dimension " + std::to_string(d) + " of size 0");
            // ggml counts elements in int64_t, so the product must stay below 2^63.
            if (!checkedMul(info.elementCount, size, info.elementCount)
                || info.elementCount > uint64_t(INT64_MAX))
                return fail(
                    dimAt, "tensor '" + info.name + "': element count overflows (shape product too large)");
            info.shape.push_back(size);
        }
        return true;
    }

    bool tensorType(GgufTensorInfo& info)
    {
        const uint64_t at = m_pos;
        uint32_t type = 0;
        if (!read(type, "a tensor type")) return false;
        const auto traits = typeTraits(type);
        if (!traits) return fail(at, "tensor '" + info.name + "' has unknown type " + std::to_string(type));
        if (!traits->supported)
            return fail(ErrorCode::Unsupported, at,
                "tensor '" + info.name + "' has type " + std::string(traits->name)
                    + ", which Hearth does not support; download this model as Q4_K_M (the usual choice), "
                      "IQ4_XS or Q3_K_M (smaller, for little memory), or Q8_0 (closest to the original)");
        info.type = static_cast<TensorType>(type);
        if (info.shape[0] % traits->blockElements != 0)
            return fail(at,
                "tensor '" + info.name + "': row length " + std::to_string(info.shape[0])
                    + " is not a multiple of the " + std::string(traits->name) + " block size "
                    + std::to_string(traits->blockElements));
        const uint64_t blocks = info.elementCount / traits->blockElements;
        if (!checkedMul(blocks, traits->blockBytes, info.byteSize))
            return fail(at, "tensor '" + info.name + "': byte size overflows");
        return true;
    }

    // Tensor data: aligned, inside the file, no two tensors sharing bytes.
    bool placement()
    {
        const uint64_t align = m_out.alignment;
        uint64_t start = 0;
        if (!checkedAdd(m_pos, align - 1, start)) return fail(m_pos, "data section offset overflows");
        m_out.dataOffset = start / align * align;
        for (GgufTensorInfo& info : m_out.tensors) {
            const uint64_t relative = info.fileOffset;
            if (relative % align != 0)
                return fail(m_out.dataOffset,
                    "tensor '" + info.name + "' offset " + std::to_string(relative)
                        + " is not a multiple of the alignment " + std::to_string(align));
            uint64_t end = 0;
            if (!checkedAdd(m_out.dataOffset, relative, info.fileOffset)
                || !checkedAdd(info.fileOffset, info.byteSize, end) || end > m_bytes.size())
                return truncated(m_out.dataOffset,
                    "tensor '" + info.name + "' data (offset " + std::to_string(relative) + ", "
                        + std::to_string(info.byteSize) + " bytes) lies outside the "
                        + std::to_string(m_bytes.size()) + "-byte file");
            info.data = m_bytes.data() + info.fileOffset;
        }
        std::vector<const GgufTensorInfo*> sorted;
        for (const GgufTensorInfo& info : m_out.tensors)
            sorted.push_back(&info);
        std::sort(sorted.begin(), sorted.end(),
            [](const GgufTensorInfo* a, const GgufTensorInfo* b) { return a->fileOffset < b->fileOffset; });
        for (size_t i = 1; i < sorted.size(); ++i)
            if (sorted[i - 1]->fileOffset + sorted[i - 1]->byteSize > sorted[i]->fileOffset)
                return fail(sorted[i]->fileOffset,
                    "tensors '" + sorted[i - 1]->name + "' and '" + sorted[i]->name + "' overlap");
        return true;
    }

    std::span<const uint8_t> m_bytes;
    uint64_t m_pos = 0;
    uint64_t m_tensorCount = 0;
    uint64_t m_kvCount = 0;
    uint64_t m_arrayElements = 0;
    Contents m_out;
    Error m_error;
};

} // namespace

Result<Contents> parse(std::span<const uint8_t> bytes)
{
    return Parser(bytes).run();
}

} // namespace hearth::gguf_detail
