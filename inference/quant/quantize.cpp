// Dispatch and the simple quantizers (floats, Q4_0, Q8_0), float for float as ggml's reference.
#include "quant/quantize.h"

#include "quant/blocks.h"
#include "quant/dequant.h"
#include "quant/float_convert.h"
#include "util/result.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hearth {

bool canQuantize(TensorType type)
{
    switch (type) {
    case TensorType::F32:
    case TensorType::F16:
    case TensorType::BF16:
    case TensorType::Q4_0:
    case TensorType::Q8_0:
    case TensorType::Q2_K:
    case TensorType::Q3_K:
    case TensorType::Q4_K:
    case TensorType::Q5_K:
    case TensorType::Q6_K:
    case TensorType::Q4_1:
    case TensorType::Q5_0:
    case TensorType::Q5_1:
    case TensorType::IQ4_NL:
    case TensorType::IQ4_XS:
    case TensorType::IQ3_S:
        return true;
    default:
        return false; // we run more types than we write (IQ3_XXS and below need an importance matrix)
    }
}

void quantize(TensorType type, const float* src, void* dst, size_t count)
{
    auto* out = static_cast<uint8_t*>(dst);
    switch (type) {
    case TensorType::F32:
        std::memcpy(out, src, count * sizeof(float));
        return;
    case TensorType::F16:
        for (size_t i = 0; i < count; ++i) {
            const uint16_t h = floatToHalf(src[i]);
            std::memcpy(out + 2 * i, &h, 2);
        }
        return;
    case TensorType::BF16:
        for (size_t i = 0; i < count; ++i) {
            const uint16_t h = floatToBfloat(src[i]);
            std::memcpy(out + 2 * i, &h, 2);
        }
        return;
    case TensorType::Q4_0:
        quantizeQ4_0(src, out, count);
        return;
    case TensorType::Q8_0:
        quantizeQ8_0(src, out, count);
        return;
    case TensorType::Q2_K:
        quantizeQ2_K(src, out, count);
        return;
    case TensorType::Q3_K:
        quantizeQ3_K(src, out, count);
        return;
    case TensorType::Q4_K:
        quantizeQ4_K(src, out, count);
        return;
    case TensorType::Q5_K:
        quantizeQ5_K(src, out, count);
        return;
    case TensorType::Q6_K:
        quantizeQ6_K(src, out, count);
        return;
    case TensorType::Q4_1:
        quantizeQ4_1(src, out, count);
        return;
    case TensorType::Q5_0:
        quantizeQ5_0(src, out, count);
        return;
    case TensorType::Q5_1:
        quantizeQ5_1(src, out, count);
        return;
    case TensorType::IQ4_NL:
        quantizeIQ4_NL(src, out, count);
        return;
    case TensorType::IQ3_S:
        quantizeIQ3_S(src, out, count);
        return;
    case TensorType::IQ4_XS:
        quantizeIQ4_XS(src, out, count);
        return;
    default:
        HEARTH_CHECK(!"quantize: unsupported target type");
    }
}

static void storeHalf(uint8_t* p, float value)
{
    const uint16_t h = floatToHalf(value);
    std::memcpy(p, &h, 2);
}

// Q4_0: scale = the value of largest magnitude / -8, so that value maps to quant 0 exactly.
void quantizeQ4_0(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % kBlockQ4_0 == 0);
    for (size_t b = 0; b < count / kBlockQ4_0; ++b, src += kBlockQ4_0, dst += sizeof(BlockQ4_0)) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < kBlockQ4_0; ++j) {
            if (amax < std::fabs(src[j])) {
                amax = std::fabs(src[j]);
                max = src[j];
            }
        }
        const float d = max / -8;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        storeHalf(dst, d);
        for (int j = 0; j < kBlockQ4_0 / 2; ++j) {
            // +8.5 then truncation: round half up into 0..16, clamped to 15.
            const int q0 = std::min(15, static_cast<int>(static_cast<int8_t>(src[j] * id + 8.5f)));
            const int q1 = std::min(15, static_cast<int>(static_cast<int8_t>(src[j + 16] * id + 8.5f)));
            dst[2 + j] = static_cast<uint8_t>(q0 | (q1 << 4));
        }
    }
}

// Q8_0: scale = max|x| / 127, quants rounded half away from zero.
void quantizeQ8_0(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % kBlockQ8_0 == 0);
    for (size_t b = 0; b < count / kBlockQ8_0; ++b, src += kBlockQ8_0, dst += sizeof(BlockQ8_0)) {
        float amax = 0.0f;
        for (int j = 0; j < kBlockQ8_0; ++j)
            amax = std::max(amax, std::fabs(src[j]));
        const float d = amax / 127;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        storeHalf(dst, d);
        for (int j = 0; j < kBlockQ8_0; ++j)
            dst[2 + j] = static_cast<uint8_t>(static_cast<int8_t>(std::round(src[j] * id)));
    }
}

} // namespace hearth

#include <thread>
#include <vector>

namespace hearth {

void quantizeRows(
    TensorType type, const float* src, void* dst, size_t rows, size_t rowLength, unsigned threads)
{
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    const size_t bytesPerRow = rowBytes(type, rowLength);
    auto* out = static_cast<uint8_t*>(dst);
    // Contiguous row ranges, one per thread; blocks never straddle rows, so the result is the same.
    const size_t perThread = (rows + threads - 1) / threads;
    if (threads == 1 || rows < 2) {
        quantize(type, src, out, rows * rowLength);
        return;
    }
    std::vector<std::thread> workers;
    for (size_t begin = 0; begin < rows; begin += perThread) {
        const size_t n = std::min(perThread, rows - begin);
        workers.emplace_back(
            [=] { quantize(type, src + begin * rowLength, out + begin * bytesPerRow, n * rowLength); });
    }
    for (std::thread& w : workers)
        w.join();
}

} // namespace hearth
