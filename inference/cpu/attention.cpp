// Causal grouped-query attention over the KV cache, one (token, head) pair per task.
#include "cpu/dot.h"
#include "cpu/kernels.h"
#include "cpu/threadpool.h"
#include "quant/float_convert.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace hearth {

namespace {

// Row `pos` of a cache as floats: a pointer into an f32 cache, or converted into `buf` from f16.
const float* cacheRow(const KvView& cache, uint32_t pos, uint32_t offset, uint32_t n, float* buf)
{
    const size_t index = size_t(pos) * cache.rowElements + offset;
    if (!cache.f16) return static_cast<const float*>(cache.data) + index;
    const uint16_t* bits = static_cast<const uint16_t*>(cache.data) + index;
    for (uint32_t i = 0; i < n; ++i)
        buf[i] = halfToFloat(bits[i]);
    return buf;
}

} // namespace

void attention(const AttentionShape& shape, const float* q, const KvView& k, const KvView& v,
    uint32_t startPos, uint32_t nTokens, float* out, ThreadPool* pool)
{
    const uint32_t hd = shape.headDim;
    const uint32_t group = shape.headCount / shape.kvHeadCount;
    const uint32_t qStride = shape.headCount * hd;
    const float scale = 1.0f / std::sqrt(float(hd));

    auto task = [&](uint32_t begin, uint32_t end) {
        // Per-thread scratch, grown to the longest context seen and then reused.
        thread_local std::vector<float> scores;
        thread_local std::vector<float> rowBuf;
        if (rowBuf.size() < hd) rowBuf.resize(hd);
        for (uint32_t task = begin; task < end; ++task) {
            const uint32_t t = task / shape.headCount, h = task % shape.headCount;
            const uint32_t length = startPos + t + 1; // causal: positions 0..startPos + t
            const uint32_t kvOffset = (h / group) * hd;
            const float* qh = q + size_t(t) * qStride + size_t(h) * hd;
            float* oh = out + size_t(t) * qStride + size_t(h) * hd;
            if (scores.size() < length) scores.resize(std::max<size_t>(length, scores.size() * 2));

            // Step 1: scores q·k / sqrt(d), and their maximum.
            float maxScore = -INFINITY;
            for (uint32_t p = 0; p < length; ++p) {
                scores[p] = cpu::dotF32(qh, cacheRow(k, p, kvOffset, hd, rowBuf.data()), hd) * scale;
                maxScore = std::max(maxScore, scores[p]);
            }
            // Step 2: softmax with the maximum subtracted (no overflow), sum in double.
            double sum = 0;
            for (uint32_t p = 0; p < length; ++p) {
                scores[p] = std::exp(scores[p] - maxScore);
                sum += scores[p];
            }
            const float inv = float(1.0 / sum);
            // Step 3: the weighted sum of the values.
            std::fill(oh, oh + hd, 0.0f);
            for (uint32_t p = 0; p < length; ++p)
                cpu::axpyF32(oh, scores[p] * inv, cacheRow(v, p, kvOffset, hd, rowBuf.data()), hd);
        }
    };
    const uint32_t tasks = nTokens * shape.headCount;
    if (pool)
        pool->parallelFor(tasks, 1, task);
    else
        task(0, tasks);
}

} // namespace hearth
