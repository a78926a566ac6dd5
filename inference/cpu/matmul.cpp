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

constexpr uint32_t kRowTile = 16;
constexpr uint32_t kTokenTile = 4;

bool usesQ8Activations(TensorType type) { return type == TensorType::Q4_0 || type == TensorType::Q8_0; }

}  // namespace

void matmul(const TensorView& w, const float* x, uint32_t nTokens, float* out, ThreadPool* pool)
{
    HEARTH_CHECK(w.data != nullptr);
    const uint32_t rows = w.rows, cols = w.cols;
    // Which activations the rows meet: 8-bit per 32 (Q4_0/Q8_0), 8-bit per 256 (K-quants on AVX2),
    // or the floats themselves.
    const bool q8 = usesQ8Activations(w.type);
    const bool q8k = cpu::usesQ8KActivations(w.type);

    // Step 1: quantize the activations once per call, in parallel over tokens. The scratch grows to
    // the largest batch and is then reused: no allocation per token. Workers must see the caller's
    // scratch (not their own thread_local one), hence the plain pointers.
    thread_local std::vector<cpu::BlockQ8x> q8Scratch;
    thread_local std::vector<cpu::BlockQ8K> q8kScratch;
    const uint32_t q8PerToken = cols / 32, q8kPerToken = cols / 256;
    cpu::BlockQ8x* xq = nullptr;
    cpu::BlockQ8K* xqk = nullptr;
    if (q8) {
        HEARTH_CHECK(cols % 32 == 0);
        if (q8Scratch.size() < size_t(nTokens) * q8PerToken)
            q8Scratch.resize(size_t(nTokens) * q8PerToken);
        xq = q8Scratch.data();
    } else if (q8k) {
        HEARTH_CHECK(cols % 256 == 0);
        if (q8kScratch.size() < size_t(nTokens) * q8kPerToken)
            q8kScratch.resize(size_t(nTokens) * q8kPerToken);
        xqk = q8kScratch.data();
    }
    if (q8 || q8k) {
        auto quantize = [&](uint32_t begin, uint32_t end) {
            for (uint32_t t = begin; t < end; ++t) {
                if (q8)
                    cpu::quantizeRowQ8(x + size_t(t) * cols, xq + size_t(t) * q8PerToken, cols);
                else
                    cpu::quantizeRowQ8K(x + size_t(t) * cols, xqk + size_t(t) * q8kPerToken, cols);
            }
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
        // Cache blocking: 16 rows at a time meet the tokens 4 by 4, so four tokens' activations stay
        // in L1 while the 16 rows go by, and the 16 rows stay in L2 while all the tokens go by.
        auto rowRange = [&](uint32_t begin, uint32_t end) {
            for (uint32_t r0 = begin; r0 < end; r0 += kRowTile) {
                const uint32_t r1 = std::min(end, r0 + kRowTile);
                for (uint32_t t = 0; t < group; t += kTokenTile) {
                    const uint32_t nt = std::min(kTokenTile, group - t);
                    for (uint32_t r = r0; r < r1; ++r) {
                        float* o = outGroup + size_t(t) * rows + r;
                        if (q8)
                            cpu::rowDotQ8(w.type, w.row(r), cols, xq + size_t(t0 + t) * q8PerToken, q8PerToken, nt, o,
                                          rows);
                        else if (q8k)
                            cpu::rowDotQ8K(w.type, w.row(r), cols, xqk + size_t(t0 + t) * q8kPerToken, q8kPerToken,
                                           nt, o, rows);
                        else
                            cpu::rowDotFloat(w.type, w.row(r), cols, x + size_t(t0 + t) * cols, cols, nt, o, rows);
                    }
                }
            }
        };
        if (pool)
            pool->parallelFor(rows, 4, rowRange);
        else
            rowRange(0, rows);
    }
}

}  // namespace hearth
