// Causal grouped-query attention over the KV cache. A task is one KV head and a run of up to
// kTokenRun tokens: every query head of the group, for every token of the run, meets the cache a
// tile of positions at a time (cpu/attention_tile.h), so each tile is read and converted once for
// all of them, and no score vector longer than a tile is ever kept.
#include "cpu/attention_tile.h"
#include "cpu/kernels.h"
#include "cpu/threadpool.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace hearth {

namespace {

constexpr uint32_t kTokenRun = 8;

// Per-thread scratch, grown to the largest shape seen and then reused.
struct AttentionScratch {
    std::vector<float> keys, values; // one tile (cpu::loadKeyTile's layouts)
    std::vector<float> queries; // the task's query rows, scaled
    std::vector<cpu::SoftmaxRow> rows;

    void reserve(uint32_t headDim, uint32_t rowCount)
    {
        const size_t tile = size_t(cpu::kKeyTile) * headDim;
        if (keys.size() < tile) {
            keys.resize(tile);
            values.resize(tile);
        }
        if (queries.size() < size_t(rowCount) * headDim) queries.resize(size_t(rowCount) * headDim);
        rows.assign(rowCount, cpu::SoftmaxRow {});
    }
};

} // namespace

void attention(const AttentionShape& shape, const float* q, const KvView& k, const KvView& v,
    uint32_t startPos, uint32_t nTokens, float* out, ThreadPool* pool)
{
    const uint32_t hd = shape.headDim;
    const uint32_t group = shape.headCount / shape.kvHeadCount;
    const uint32_t qStride = shape.headCount * hd;
    const float scale = 1.0f / std::sqrt(float(hd));
    const uint32_t runs = (nTokens + kTokenRun - 1) / kTokenRun;

    auto task = [&](uint32_t begin, uint32_t end) {
        thread_local AttentionScratch scratch;
        for (uint32_t index = begin; index < end; ++index) {
            // The last runs see the most positions: they go first, so the threads finish together.
            const uint32_t run = runs - 1 - index / shape.kvHeadCount, kvHead = index % shape.kvHeadCount;
            const uint32_t t0 = run * kTokenRun, tokens = std::min(kTokenRun, nTokens - t0);
            const uint32_t rowCount = tokens * group;
            scratch.reserve(hd, rowCount);
            // Row r is token t0 + r / group, head kvHead * group + r % group.
            auto offsetOf = [&](uint32_t r) {
                return size_t(t0 + r / group) * qStride + size_t(kvHead * group + r % group) * hd;
            };
            for (uint32_t r = 0; r < rowCount; ++r) {
                const float* qr = q + offsetOf(r);
                for (uint32_t d = 0; d < hd; ++d)
                    scratch.queries[size_t(r) * hd + d] = qr[d] * scale;
                std::fill_n(out + offsetOf(r), hd, 0.0f);
            }
            // Causal: token t sees positions 0..startPos + t.
            const uint32_t positions = startPos + t0 + tokens;
            for (uint32_t first = 0; first < positions; first += cpu::kKeyTile) {
                const uint32_t count = std::min(cpu::kKeyTile, positions - first);
                cpu::loadKeyTile(k, first, count, kvHead * hd, hd, scratch.keys.data());
                cpu::loadValueTile(v, first, count, kvHead * hd, hd, scratch.values.data());
                // The group's rows of one token see the same positions: they go through together.
                for (uint32_t t = 0; t < tokens; ++t) {
                    const uint32_t seen = startPos + t0 + t + 1, r = t * group;
                    if (seen <= first) continue;
                    cpu::attendTileRows(scratch.queries.data() + size_t(r) * hd, group, scratch.keys.data(),
                        scratch.values.data(), hd, std::min(count, seen - first), scratch.rows.data() + r,
                        out + offsetOf(r));
                }
            }
            for (uint32_t r = 0; r < rowCount; ++r) {
                const float inv = 1.0f / scratch.rows[r].sum;
                float* o = out + offsetOf(r);
                for (uint32_t d = 0; d < hd; ++d)
                    o[d] *= inv;
            }
        }
    };
    const uint32_t tasks = runs * shape.kvHeadCount;
    if (pool)
        pool->parallelFor(tasks, 1, task);
    else
        task(0, tasks);
}

} // namespace hearth
