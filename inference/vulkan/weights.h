// Weights on the device: every matrix uploaded once, through a staging buffer, into device-local
// "arenas" no larger than the storage-buffer range. A matrix larger than that range (lavapipe: 128 MiB,
// less than an 8B model's 128,256 x 4,096 embedding) is split by rows into pieces, each bound on its own.
// Matrices that share an input (q|k|v, gate|up) may be stacked by rows into one, so one dispatch
// computes them all.
#pragma once

#include "model/tensor_view.h"
#include "util/result.h"
#include "vulkan/commands.h"
#include "vulkan/memory.h"
#include "vulkan/memory_estimate.h"

#include <functional>
#include <span>
#include <vector>

namespace hearth::vk {

struct MatrixPiece {
    BufferRef ref; // the rows' bytes (+ padding for the shaders' two-word reads)
    uint32_t rowBegin = 0; // first row of the matrix in this piece
    uint32_t rowCount = 0;
};

struct GpuMatrix {
    TensorType type = TensorType::F32;
    uint32_t rows = 0;
    uint32_t cols = 0;
    uint64_t rowBytes = 0;
    std::vector<MatrixPiece> pieces;

    bool empty() const { return pieces.empty(); }
    uint64_t bytes() const { return rowBytes * rows; }
};

class WeightStore {
public:
    // pieceLimit: the largest buffer range a shader may bind.
    WeightStore(const Device& device, Allocator& allocator, uint64_t pieceLimit);
    ~WeightStore();
    WeightStore(const WeightStore&) = delete;
    WeightStore& operator=(const WeightStore&) = delete;

    // Plans a matrix made of `parts` stacked by rows (same type and column count); returns its id.
    size_t add(const std::vector<TensorView>& parts);
    // Whether stacking these rows would still fit one piece (so a dispatch sees them all).
    bool fitsOnePiece(uint64_t rowBytes, uint64_t rows) const;

    // Allocates the arenas and copies every planned matrix. progress(fraction) after each chunk.
    Status upload(Recorder& recorder, const std::function<void(float)>& progress);

    const GpuMatrix& matrix(size_t id) const { return m_matrices[id]; }
    // Every planned matrix by id; their pieces' offsets and ranges are known before upload().
    std::span<const GpuMatrix> matrices() const { return m_matrices; }
    uint64_t plannedBytes() const;
    // Whether `buffer` is one of the arenas holding the weights (after upload()).
    bool holds(VkBuffer buffer) const;

private:
    struct Placement {
        size_t arena;
        uint64_t offset;
        uint64_t bytes;
    };
    const Device& m_device;
    Allocator& m_allocator;
    uint64_t m_pieceLimit;
    std::vector<GpuMatrix> m_matrices;
    std::vector<std::vector<TensorView>> m_sources;
    std::vector<std::vector<Placement>> m_placements; // per matrix, per piece
    std::vector<uint64_t> m_arenaSizes;
    std::vector<Buffer> m_arenas;
};

} // namespace hearth::vk
