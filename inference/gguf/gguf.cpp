// GgufFile: maps the file read-only, hands the bytes to the validating parser, then serves typed
// lookups over the parsed metadata and tensor table.
#include "gguf/gguf.h"

#include "gguf/gguf_parse.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace hearth {

struct GgufFile::Impl {
    std::string path;
    void* mapping = nullptr; // owned when mapped from a file
    size_t mappingSize = 0;
    std::span<const uint8_t> bytes;
    gguf_detail::Contents contents;
    std::unordered_map<std::string_view, size_t> keyIndex; // into contents.metadata
    std::unordered_map<std::string_view, size_t> tensorIndex; // into contents.tensors

    ~Impl()
    {
        if (mapping) munmap(mapping, mappingSize);
    }

    Status load(std::span<const uint8_t> data)
    {
        bytes = data;
        auto parsed = gguf_detail::parse(bytes);
        if (!parsed) return parsed.error();
        contents = std::move(parsed).value();
        for (size_t i = 0; i < contents.metadata.size(); ++i)
            keyIndex.emplace(contents.metadata[i].first, i);
        for (size_t i = 0; i < contents.tensors.size(); ++i)
            tensorIndex.emplace(contents.tensors[i].name, i);
        return Ok {};
    }
};

GgufFile::GgufFile()
    : m_impl(std::make_unique<Impl>())
{
}
GgufFile::~GgufFile() = default;

Result<std::unique_ptr<GgufFile>> GgufFile::open(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return makeError(err == ENOENT ? ErrorCode::FileNotFound : ErrorCode::Io,
            path + ": cannot open: " + std::strerror(err));
    }
    struct stat st { };
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return makeError(ErrorCode::Io, path + ": not a regular file");
    }
    std::unique_ptr<GgufFile> file(new GgufFile());
    file->m_impl->path = path;
    const size_t size = static_cast<size_t>(st.st_size);
    if (size > 0) {
        void* mapping = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapping == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            return makeError(ErrorCode::Io, path + ": cannot map: " + std::strerror(err));
        }
        file->m_impl->mapping = mapping;
        file->m_impl->mappingSize = size;
    }
    ::close(fd); // the mapping keeps the file alive
    const auto* data = static_cast<const uint8_t*>(file->m_impl->mapping);
    const Status loaded = file->m_impl->load({ data, size });
    if (!loaded) return makeError(loaded.error().code, path + ": " + loaded.error().message);
    return file;
}

Result<std::unique_ptr<GgufFile>> GgufFile::fromBytes(std::span<const uint8_t> bytes)
{
    std::unique_ptr<GgufFile> file(new GgufFile());
    const Status loaded = file->m_impl->load(bytes);
    if (!loaded) return loaded.error();
    return file;
}

uint32_t GgufFile::version() const
{
    return m_impl->contents.version;
}
std::string_view GgufFile::path() const
{
    return m_impl->path;
}
uint64_t GgufFile::fileSize() const
{
    return m_impl->bytes.size();
}
uint64_t GgufFile::alignment() const
{
    return m_impl->contents.alignment;
}
bool GgufFile::fileMapped() const
{
    return m_impl->mapping != nullptr;
}
uint64_t GgufFile::dataOffset() const
{
    return m_impl->contents.dataOffset;
}

const std::vector<std::pair<std::string, GgufValue>>& GgufFile::metadata() const
{
    return m_impl->contents.metadata;
}

const GgufValue* GgufFile::find(std::string_view key) const
{
    const auto it = m_impl->keyIndex.find(key);
    return it == m_impl->keyIndex.end() ? nullptr : &m_impl->contents.metadata[it->second].second;
}

std::optional<std::string_view> GgufFile::getString(std::string_view key) const
{
    const GgufValue* v = find(key);
    if (const auto* s = v ? std::get_if<std::string_view>(v) : nullptr) return *s;
    return std::nullopt;
}

std::optional<uint64_t> GgufFile::getUint(std::string_view key) const
{
    const GgufValue* v = find(key);
    return v ? valueAsUint(*v) : std::nullopt;
}

std::optional<int64_t> GgufFile::getInt(std::string_view key) const
{
    const GgufValue* v = find(key);
    return v ? valueAsInt(*v) : std::nullopt;
}

std::optional<double> GgufFile::getFloat(std::string_view key) const
{
    const GgufValue* v = find(key);
    return v ? valueAsFloat(*v) : std::nullopt;
}

std::optional<bool> GgufFile::getBool(std::string_view key) const
{
    const GgufValue* v = find(key);
    if (const auto* b = v ? std::get_if<bool>(v) : nullptr) return *b;
    return std::nullopt;
}

const GgufArray* GgufFile::getArray(std::string_view key) const
{
    const GgufValue* v = find(key);
    if (const auto* a = v ? std::get_if<std::shared_ptr<GgufArray>>(v) : nullptr) return a->get();
    return nullptr;
}

const std::vector<GgufTensorInfo>& GgufFile::tensors() const
{
    return m_impl->contents.tensors;
}

const GgufTensorInfo* GgufFile::tensor(std::string_view name) const
{
    const auto it = m_impl->tensorIndex.find(name);
    return it == m_impl->tensorIndex.end() ? nullptr : &m_impl->contents.tensors[it->second];
}

void releaseFilePages(const void* begin, size_t bytes)
{
    const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
    const uintptr_t first = (uintptr_t(begin) + page - 1) / page * page;
    const uintptr_t last = (uintptr_t(begin) + bytes) / page * page;
    // Advice, not a promise: a failure leaves the pages resident, which is only a missed saving.
    if (first < last) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

} // namespace hearth
