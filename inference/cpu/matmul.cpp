// matmul: output rows split across the pool's threads; each row meets the batch 64 tokens at a time
// (dot.h), so a weight is read from memory once per 64 tokens however long the prompt is.
// matmulMany runs several weights over the same input in one dispatch (q/k/v, gate/up): one
// quantization of the input and one wake-up of the workers instead of three.
#include "cpu/dot.h"
#include "cpu/kernels.h"
#include "cpu/packed_matrix.h"
#include "cpu/panel_layout.h"
#include "cpu/threadpool.h"
#include "util/result.h"

#include <algorithm>
#include <vector>

namespace hearth {

namespace {

constexpr uint32_t kRowTile = 16;
constexpr uint32_t kTokenTile = 4;
constexpr size_t kMaxJobs = 8;

bool usesQ8Activations(TensorType type)
{
    return type == TensorType::Q4_0 || type == TensorType::Q8_0 || cpu::isLegacyQ8Type(type);
}

bool usesQ8KActivations(TensorType type, const PackedMatrix* packed)
{
    return cpu::usesQ8KActivations(type) || (packed && packed->panels > 0 && !cpu::isQ8PanelType(type));
}

// The input of one call in the forms its weights need (pointers into per-thread scratch).
struct Activations {
    const float* x = nullptr;
    const cpu::BlockQ8x* q8 = nullptr; // cols / 32 blocks per token
    const cpu::BlockQ8K* q8k = nullptr; // cols / 256 blocks per token
    uint32_t cols = 0;
};

// Rows [r0, r1) of `w` against tokens [t0, t0 + group), tiled 16 rows × 4 tokens: four tokens'
// activations stay in L1 while the 16 rows go by, and the 16 rows stay in L2 while all tokens go by.
void rowsTimesTokens(const TensorView& w, const Activations& a, uint32_t t0, uint32_t group, uint32_t begin,
    uint32_t end, float* outGroup)
{
    const uint32_t rows = w.rows, cols = a.cols;
    const bool q8 = usesQ8Activations(w.type), q8k = cpu::usesQ8KActivations(w.type);
    for (uint32_t r0 = begin; r0 < end; r0 += kRowTile) {
        const uint32_t r1 = std::min(end, r0 + kRowTile);
        for (uint32_t t = 0; t < group; t += kTokenTile) {
            const uint32_t nt = std::min(kTokenTile, group - t), token = t0 + t;
            for (uint32_t r = r0; r < r1; ++r) {
                float* o = outGroup + size_t(t) * rows + r;
                if (q8)
                    cpu::rowDotQ8(
                        w.type, w.row(r), cols, a.q8 + size_t(token) * (cols / 32), cols / 32, nt, o, rows);
                else if (q8k)
                    cpu::rowDotQ8K(w.type, w.row(r), cols, a.q8k + size_t(token) * (cols / 256), cols / 256,
                        nt, o, rows);
                else
                    cpu::rowDotFloat(w.type, w.row(r), cols, a.x + size_t(token) * cols, cols, nt, o, rows);
            }
        }
    }
}

// Rows [begin, end) of `w`: whole panels of `packed` through the panel kernels (all the group's
// tokens in tiles), the rest (a chunk edge inside a panel, rows past the last panel) row by row.
void rowsTimesTokensPacked(const TensorView& w, const PackedMatrix* packed, const Activations& a, uint32_t t0,
    uint32_t group, uint32_t begin, uint32_t end, float* outGroup)
{
    const uint32_t packedRows = packed ? packed->panels * cpu::kPanelRows : 0;
    uint32_t r = begin;
    while (r < end) {
        if (r % cpu::kPanelRows == 0 && r + cpu::kPanelRows <= std::min(end, packedRows)) {
            const uint32_t p = r / cpu::kPanelRows;
            float* o = outGroup + r;
            if (cpu::isQ8PanelType(packed->type))
                cpu::panelDotQ8(*packed, p, a.q8 + size_t(t0) * (a.cols / 32), a.cols / 32, group, o, w.rows);
            else
                cpu::panelDotQ8K(
                    *packed, p, a.q8k + size_t(t0) * (a.cols / 256), a.cols / 256, group, o, w.rows);
            r += cpu::kPanelRows;
            continue;
        }
        // Up to the next panel boundary (or the end) the old way.
        const uint32_t next
            = r < packedRows ? std::min(end, (r / cpu::kPanelRows + 1) * cpu::kPanelRows) : end;
        rowsTimesTokens(w, a, t0, group, r, next, outGroup);
        r = next;
    }
}

} // namespace

void matmulMany(const MatmulJob* jobs, size_t jobCount, const float* x, uint32_t nTokens, ThreadPool* pool)
{
    HEARTH_CHECK(jobCount > 0 && jobCount <= kMaxJobs);
    const uint32_t cols = jobs[0].w->cols;
    bool needQ8 = false, needQ8K = false, anyPacked = false;
    uint32_t rowStart[kMaxJobs + 1] = { 0 };
    for (size_t j = 0; j < jobCount; ++j) {
        const TensorView& w = *jobs[j].w;
        HEARTH_CHECK(w.data != nullptr && w.cols == cols);
        needQ8 |= usesQ8Activations(w.type);
        needQ8K |= usesQ8KActivations(w.type, jobs[j].packed);
        anyPacked |= jobs[j].packed != nullptr;
        rowStart[j + 1] = rowStart[j] + w.rows;
    }
    const uint32_t totalRows = rowStart[jobCount];

    // Step 1: quantize the input once per call, in parallel over tokens. The scratch grows to the
    // largest batch and is then reused (no allocation per token); the workers get plain pointers to
    // the caller's scratch, not their own thread_local one.
    thread_local std::vector<cpu::BlockQ8x> q8Scratch;
    thread_local std::vector<cpu::BlockQ8K> q8kScratch;
    Activations a;
    a.x = x;
    a.cols = cols;
    if (needQ8) {
        HEARTH_CHECK(cols % 32 == 0);
        if (q8Scratch.size() < size_t(nTokens) * (cols / 32)) q8Scratch.resize(size_t(nTokens) * (cols / 32));
        a.q8 = q8Scratch.data();
    }
    if (needQ8K) {
        HEARTH_CHECK(cols % 256 == 0);
        if (q8kScratch.size() < size_t(nTokens) * (cols / 256))
            q8kScratch.resize(size_t(nTokens) * (cols / 256));
        a.q8k = q8kScratch.data();
    }
    if (needQ8 || needQ8K) {
        cpu::BlockQ8x* q8 = needQ8 ? q8Scratch.data() : nullptr;
        cpu::BlockQ8K* q8k = needQ8K ? q8kScratch.data() : nullptr;
        auto quantize = [&](uint32_t begin, uint32_t end) {
            for (uint32_t t = begin; t < end; ++t) {
                if (q8) cpu::quantizeRowQ8(x + size_t(t) * cols, q8 + size_t(t) * (cols / 32), cols);
                if (q8k) cpu::quantizeRowQ8K(x + size_t(t) * cols, q8k + size_t(t) * (cols / 256), cols);
            }
        };
        if (pool && nTokens > 1)
            pool->parallelFor(nTokens, 1, quantize);
        else
            quantize(0, nTokens);
    }

    // Step 2: each group of up to 64 tokens against the rows of every job, the concatenated rows
    // shared out between threads.
    for (uint32_t t0 = 0; t0 < nTokens; t0 += cpu::kTokenGroup) {
        const uint32_t group = std::min(cpu::kTokenGroup, nTokens - t0);
        auto rowRange = [&](uint32_t begin, uint32_t end) {
            for (size_t j = 0; j < jobCount; ++j) {
                const uint32_t lo = std::max(begin, rowStart[j]), hi = std::min(end, rowStart[j + 1]);
                if (lo < hi)
                    rowsTimesTokensPacked(*jobs[j].w, jobs[j].packed, a, t0, group, lo - rowStart[j],
                        hi - rowStart[j], jobs[j].out + size_t(t0) * jobs[j].w->rows);
            }
        };
        if (pool)
            pool->parallelFor(totalRows, anyPacked ? cpu::kPanelRows : 4, rowRange);
        else
            rowRange(0, totalRows);
    }
}

void matmul(const TensorView& w, const float* x, uint32_t nTokens, float* out, ThreadPool* pool,
    const PackedMatrix* packed)
{
    const MatmulJob job { &w, out, packed };
    matmulMany(&job, 1, x, nTokens, pool);
}

} // namespace hearth
