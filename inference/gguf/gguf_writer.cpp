// GGUF v3 serialisation: little-endian fields in the order the format defines, zero padding to the
// alignment before the data section and after every tensor.
#include "gguf/gguf_writer.h"

#include <cerrno>
#include <cstring>

namespace hearth {

namespace {

GgufValueType valueType(const GgufValue& value)
{
    // The variant's alternatives are declared in GgufValueType order, except Uint64/Int64/Float64
    // and Array, which come after String.
    static constexpr GgufValueType byIndex[] = {
        GgufValueType::Uint8,
        GgufValueType::Int8,
        GgufValueType::Uint16,
        GgufValueType::Int16,
        GgufValueType::Uint32,
        GgufValueType::Int32,
        GgufValueType::Float32,
        GgufValueType::Bool,
        GgufValueType::String,
        GgufValueType::Uint64,
        GgufValueType::Int64,
        GgufValueType::Float64,
        GgufValueType::Array,
    };
    return byIndex[value.index()];
}

} // namespace

GgufWriter::GgufWriter(uint32_t alignment)
    : m_alignment(alignment)
{
    HEARTH_CHECK(alignment > 0 && (alignment & (alignment - 1)) == 0);
    if (alignment != 32) set("general.alignment", alignment);
}

GgufWriter::~GgufWriter()
{
    if (m_file) std::fclose(m_file);
}

GgufValue GgufWriter::ownedCopy(const GgufValue& value)
{
    if (const auto* s = std::get_if<std::string_view>(&value))
        return std::string_view(m_strings.emplace_back(*s));
    if (const auto* a = std::get_if<std::shared_ptr<GgufArray>>(&value)) {
        auto copy = std::make_shared<GgufArray>();
        copy->elementType = (*a)->elementType;
        copy->values.reserve((*a)->values.size());
        for (const GgufValue& v : (*a)->values)
            copy->values.push_back(ownedCopy(v));
        return copy;
    }
    return value;
}

void GgufWriter::set(const std::string& key, const GgufValue& value)
{
    GgufValue owned = ownedCopy(value);
    for (auto& [k, v] : m_metadata)
        if (k == key) {
            v = std::move(owned);
            return;
        }
    m_metadata.emplace_back(key, std::move(owned));
}

void GgufWriter::setString(const std::string& key, std::string_view value)
{
    set(key, value);
}

void GgufWriter::remove(const std::string& key)
{
    std::erase_if(m_metadata, [&](const auto& kv) { return kv.first == key; });
}

bool GgufWriter::has(const std::string& key) const
{
    for (const auto& kv : m_metadata)
        if (kv.first == key) return true;
    return false;
}

Result<uint64_t> GgufWriter::addTensor(
    const std::string& name, TensorType type, const std::vector<uint64_t>& shape)
{
    if (m_file)
        return makeError(ErrorCode::Internal, "GgufWriter: tensor '" + name + "' declared after open()");
    const auto traits = typeTraits(static_cast<uint32_t>(type));
    if (!traits || shape.empty() || shape.size() > 4 || shape[0] % traits->blockElements != 0)
        return makeError(
            ErrorCode::InvalidArgument, "GgufWriter: tensor '" + name + "' has a shape its type cannot hold");
    uint64_t elements = 1;
    for (uint64_t d : shape)
        if (d == 0 || __builtin_mul_overflow(elements, d, &elements))
            return makeError(
                ErrorCode::InvalidArgument, "GgufWriter: tensor '" + name + "' has an invalid shape");
    const uint64_t bytes = elements / traits->blockElements * traits->blockBytes;
    m_tensors.push_back({ name, type, shape, bytes, m_dataSize });
    m_dataSize += (bytes + m_alignment - 1) / m_alignment * m_alignment;
    return bytes;
}

Error GgufWriter::ioError(const std::string& what) const
{
    return makeError(ErrorCode::Io, m_path + ": " + what + ": " + std::strerror(errno));
}

Status GgufWriter::writeBytes(const void* data, size_t bytes)
{
    if (bytes && std::fwrite(data, 1, bytes, m_file) != bytes) return ioError("write failed");
    m_written += bytes;
    return Ok {};
}

Status GgufWriter::writeString(std::string_view s)
{
    const uint64_t length = s.size();
    if (Status st = writeBytes(&length, 8); !st) return st;
    return writeBytes(s.data(), s.size());
}

Status GgufWriter::writeValue(const GgufValue& value)
{
    return std::visit(
        [this](const auto& v) -> Status {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string_view>)
                return writeString(v);
            else if constexpr (std::is_same_v<T, std::shared_ptr<GgufArray>>) {
                const auto type = static_cast<uint32_t>(v->elementType);
                const uint64_t count = v->values.size();
                if (Status st = writeBytes(&type, 4); !st) return st;
                if (Status st = writeBytes(&count, 8); !st) return st;
                for (const GgufValue& element : v->values) {
                    if (valueType(element) != v->elementType)
                        return makeError(
                            ErrorCode::InvalidArgument, "GgufWriter: array element of the wrong type");
                    if (Status st = writeValue(element); !st) return st;
                }
                return Ok {};
            } else if constexpr (std::is_same_v<T, bool>) {
                const uint8_t b = v ? 1 : 0;
                return writeBytes(&b, 1);
            } else
                return writeBytes(&v, sizeof v);
        },
        value);
}

Status GgufWriter::pad()
{
    static const uint8_t zeros[256] = {};
    uint64_t missing = (m_alignment - m_written % m_alignment) % m_alignment;
    while (missing > 0) {
        const size_t n = std::min<uint64_t>(missing, sizeof zeros);
        if (Status st = writeBytes(zeros, n); !st) return st;
        missing -= n;
    }
    return Ok {};
}

Status GgufWriter::open(const std::string& path)
{
    m_path = path;
    m_file = std::fopen(path.c_str(), "wb");
    if (!m_file) return ioError("cannot create");
    std::setvbuf(m_file, nullptr, _IOFBF, 1 << 20);
    // Header: magic, version, counts.
    const uint32_t magic = 0x46554747, version = 3;
    const uint64_t tensorCount = m_tensors.size(), kvCount = m_metadata.size();
    for (auto [p, n] : { std::pair<const void*, size_t> { &magic, 4 }, { &version, 4 }, { &tensorCount, 8 },
             { &kvCount, 8 } })
        if (Status st = writeBytes(p, n); !st) return st;
    // Metadata: key, type, value.
    for (const auto& [key, value] : m_metadata) {
        const auto type = static_cast<uint32_t>(valueType(value));
        if (Status st = writeString(key); !st) return st;
        if (Status st = writeBytes(&type, 4); !st) return st;
        if (Status st = writeValue(value); !st) return st;
    }
    // Tensor table: name, dims, shape, type, offset.
    for (const Tensor& t : m_tensors) {
        const auto dims = static_cast<uint32_t>(t.shape.size());
        const auto type = static_cast<uint32_t>(t.type);
        if (Status st = writeString(t.name); !st) return st;
        if (Status st = writeBytes(&dims, 4); !st) return st;
        if (Status st = writeBytes(t.shape.data(), 8 * t.shape.size()); !st) return st;
        if (Status st = writeBytes(&type, 4); !st) return st;
        if (Status st = writeBytes(&t.offset, 8); !st) return st;
    }
    if (Status st = pad(); !st) return st;
    m_dataStart = m_written;
    return Ok {};
}

Status GgufWriter::writeData(const void* data, size_t bytes)
{
    const auto* p = static_cast<const uint8_t*>(data);
    while (bytes > 0) {
        if (m_current >= m_tensors.size())
            return makeError(ErrorCode::Internal, "GgufWriter: more data than the declared tensors hold");
        const Tensor& t = m_tensors[m_current];
        const size_t n = std::min<uint64_t>(bytes, t.byteSize - m_currentDone);
        if (Status st = writeBytes(p, n); !st) return st;
        p += n;
        bytes -= n;
        m_currentDone += n;
        if (m_currentDone == t.byteSize) {
            if (Status st = pad(); !st) return st;
            ++m_current;
            m_currentDone = 0;
        }
    }
    return Ok {};
}

Status GgufWriter::finish()
{
    if (m_current != m_tensors.size())
        return makeError(
            ErrorCode::Internal, "GgufWriter: tensor '" + m_tensors[m_current].name + "' not fully written");
    const bool flushed = std::fflush(m_file) == 0;
    const bool closed = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (!flushed || !closed) return ioError("write failed");
    return Ok {};
}

} // namespace hearth
