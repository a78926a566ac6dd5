#include "vulkan/weights.h"

#include <algorithm>
#include <cstring>

namespace hearth::vk {
namespace {

uint64_t alignUp(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

// Copies rows [begin, begin + count) of the stacked `parts` to dst.
void copyRows(
    const std::vector<TensorView>& parts, uint64_t rowBytes, uint32_t begin, uint32_t count, uint8_t* dst)
{
    uint32_t base = 0;
    for (const TensorView& part : parts) {
        const uint32_t lo = std::max(begin, base);
        const uint32_t hi = std::min(begin + count, base + part.rows);
        if (lo < hi) {
            std::memcpy(dst, part.data + uint64_t(lo - base) * rowBytes, uint64_t(hi - lo) * rowBytes);
            dst += uint64_t(hi - lo) * rowBytes;
        }
        base += part.rows;
    }
}

} // namespace

WeightStore::WeightStore(const Device& device, Allocator& allocator, uint64_t pieceLimit)
    : m_device(device)
    , m_allocator(allocator)
    , m_pieceLimit(pieceLimit)
{
}

WeightStore::~WeightStore()
{
    for (Buffer& b : m_arenas)
        m_allocator.destroy(b);
}

bool WeightStore::holds(VkBuffer buffer) const
{
    return std::any_of(m_arenas.begin(), m_arenas.end(), [&](const Buffer& b) { return b.buffer == buffer; });
}

bool WeightStore::fitsOnePiece(uint64_t rowBytes, uint64_t rows) const
{
    return rowBytes * rows + kWeightPadding <= m_pieceLimit;
}

size_t WeightStore::add(const std::vector<TensorView>& parts)
{
    HEARTH_CHECK(!parts.empty());
    GpuMatrix m;
    m.type = parts[0].type;
    m.cols = parts[0].cols;
    m.rowBytes = parts[0].rowBytes;
    for (const TensorView& p : parts) {
        HEARTH_CHECK(p.type == m.type && p.cols == m.cols && p.rowBytes == m.rowBytes);
        m.rows += p.rows;
    }
    // Split by rows so each piece, with its padding, fits the bindable range; place pieces into
    // arenas of at most that size. Where they can, pieces hold a multiple of the rows whose floats fill
    // an aligned offset: each piece's output rows then start on one, and a decode step binds them alone
    // (products.h, outputRows), free of the other pieces.
    const uint64_t align = m_device.storageAlignment();
    const uint64_t alignedRows = align / sizeof(float);
    uint64_t rowsPerPiece = std::max<uint64_t>(1, (m_pieceLimit - kWeightPadding) / m.rowBytes);
    if (rowsPerPiece > alignedRows) rowsPerPiece = rowsPerPiece / alignedRows * alignedRows;
    std::vector<Placement> placements;
    for (uint64_t r = 0; r < m.rows; r += rowsPerPiece) {
        const uint32_t count = uint32_t(std::min<uint64_t>(rowsPerPiece, m.rows - r));
        const uint64_t bytes = count * m.rowBytes + kWeightPadding;
        if (m_arenaSizes.empty() || alignUp(m_arenaSizes.back(), align) + bytes > m_pieceLimit)
            m_arenaSizes.push_back(0);
        const uint64_t offset = alignUp(m_arenaSizes.back(), align);
        m_arenaSizes.back() = offset + bytes;
        placements.push_back({ m_arenaSizes.size() - 1, offset, bytes });
        // Where the piece will lie is known now (the forward plan reads it); its buffer once uploaded.
        m.pieces.push_back({ BufferRef { VK_NULL_HANDLE, offset, bytes }, uint32_t(r), count });
    }
    m_matrices.push_back(std::move(m));
    m_sources.push_back(parts);
    m_placements.push_back(std::move(placements));
    return m_matrices.size() - 1;
}

uint64_t WeightStore::plannedBytes() const
{
    uint64_t total = 0;
    for (uint64_t s : m_arenaSizes)
        total += s;
    return total;
}

Status WeightStore::upload(Recorder& recorder, const std::function<void(float)>& progress)
{
    for (uint64_t size : m_arenaSizes) {
        auto arena = m_allocator.create(size, MemoryKind::DeviceLocal, "weights");
        if (!arena) return arena.error();
        m_arenas.push_back(*arena);
    }
    for (size_t i = 0; i < m_matrices.size(); ++i)
        for (size_t p = 0; p < m_matrices[i].pieces.size(); ++p) {
            const Placement& pl = m_placements[i][p];
            m_matrices[i].pieces[p].ref = BufferRef { m_arenas[pl.arena].buffer, pl.offset, pl.bytes };
        }

    // Stage in chunks of whole rows, one submit per chunk.
    constexpr uint64_t kStagingBytes = 32ull << 20;
    auto staging = m_allocator.create(kStagingBytes, MemoryKind::Upload, "staging");
    if (!staging) return staging.error();
    const uint64_t total = std::max<uint64_t>(1, plannedBytes());
    uint64_t done = 0;
    Status status = Ok {};
    for (size_t i = 0; i < m_matrices.size() && status.ok(); ++i) {
        const GpuMatrix& m = m_matrices[i];
        const uint32_t rowsPerChunk = uint32_t(std::max<uint64_t>(1, kStagingBytes / m.rowBytes));
        HEARTH_CHECK(m.rowBytes <= kStagingBytes);
        for (const MatrixPiece& piece : m.pieces) {
            for (uint32_t r = 0; r < piece.rowCount && status.ok(); r += rowsPerChunk) {
                const uint32_t count = std::min(rowsPerChunk, piece.rowCount - r);
                copyRows(m_sources[i], m.rowBytes, piece.rowBegin + r, count,
                    static_cast<uint8_t*>(staging->mapped));
                status = recorder.begin();
                if (!status.ok()) break;
                recorder.copy(BufferRef { staging->buffer, 0, count * m.rowBytes },
                    BufferRef { piece.ref.buffer, piece.ref.offset + uint64_t(r) * m.rowBytes, 0 });
                status = recorder.submitAndWait();
                done += count * m.rowBytes;
                if (progress) progress(float(double(done) / double(total)));
            }
        }
    }
    m_allocator.destroy(*staging);
    m_sources.clear(); // the file's mapping is not needed any more
    return status;
}

} // namespace hearth::vk
