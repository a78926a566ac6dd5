// matmul: output rows split across the pool's threads; each row meets the batch 64 tokens at a time
// (dot.h), so a weight is read from memory once per 64 tokens however long the prompt is.
#include "cpu/dot.h"
#include "cpu/kernels.h"
#include "cpu/threadpool.h"
#include "util/result.h"

#include <algorithm>
#include <vector>

namespace hearth {

namespace {

bool usesQ8Activations(TensorType type) { return type == TensorType::Q4_0 || type == TensorType::Q8_0; }

}  // namespace

void matmul(const TensorView& w, const float* x, uint32_t nTokens, float* out, ThreadPool* pool)
{
    HEARTH_CHECK(w.data != nullptr);
    const uint32_t rows = w.rows, cols = w.cols;
    const bool q8 = usesQ8Activations(w.type);

    // Step 1 (Q4_0/Q8_0 rows): quantize the activations to 8 bits per 32-block, once per call.
    // The scratch grows to the largest batch and is then reused: no allocation per token.
    thread_local std::vector<cpu::BlockQ8x> xq;
    const uint32_t blocksPerToken = cols / 32;
    // Workers must see the caller's scratch, not their own thread_local one.
    cpu::BlockQ8x* xqData = nullptr;
    if (q8) {
        HEARTH_CHECK(cols % 32 == 0);
        if (xq.size() < size_t(nTokens) * blocksPerToken)
            xq.resize(size_t(nTokens) * blocksPerToken);
        xqData = xq.data();
        auto quantize = [&](uint32_t begin, uint32_t end) {
            for (uint32_t t = begin; t < end; ++t)
                cpu::quantizeRowQ8(x + size_t(t) * cols, xqData + size_t(t) * blocksPerToken, cols);
        };
        if (pool && nTokens > 1)
            pool->parallelFor(nTokens, 1, quantize);
        else
            quantize(0, nTokens);
    }

    // Step 2: each group of up to 64 tokens against every row, rows shared out between threads.
    for (uint32_t t0 = 0; t0 < nTokens; t0 += cpu::kTokenGroup) {
        const uint32_t group = std::min(cpu::kTokenGroup, nTokens - t0);
        float* outGroup = out + size_t(t0) * rows;
        auto rowRange = [&](uint32_t begin, uint32_t end) {
            for (uint32_t r = begin; r < end; ++r) {
                if (q8)
                    cpu::rowDotQ8(w.type, w.row(r), cols, xqData + size_t(t0) * blocksPerToken, blocksPerToken,
                                  group, outGroup + r, rows);
                else
                    cpu::rowDotFloat(w.type, w.row(r), cols, x + size_t(t0) * cols, cols, group, outGroup + r, rows);
            }
        };
        if (pool)
            pool->parallelFor(rows, 4, rowRange);
        else
            rowRange(0, rows);
    }
}

}  // namespace hearth
