// The inner loops of matmul and attention, twice: AVX2/FMA/F16C (chosen at run time, through
// target attributes so the rest of the library stays portable) and portable C++.
#include "cpu/dot.h"

#include "cpu/cpu_features.h"
#include "cpu/simd.h"
#include "quant/dequant_block.h"
#include "quant/float_convert.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace hearth::cpu {

namespace {

constexpr uint32_t kChunk = 256; // float-path decode unit: one K-quant super-block

struct BlockShape {
    uint32_t elements;
    uint32_t bytes;
};

// The block geometry of a quantized type, as a switch (typeTraits searches a table: too slow per chunk).
BlockShape blockShape(TensorType type)
{
    switch (type) {
    case TensorType::Q4_0:
        return { 32, 18 };
    case TensorType::Q4_1:
        return { 32, 20 };
    case TensorType::Q5_0:
        return { 32, 22 };
    case TensorType::Q5_1:
        return { 32, 24 };
    case TensorType::Q8_0:
        return { 32, 34 };
    case TensorType::IQ4_NL:
        return { 32, 18 };
    case TensorType::Q2_K:
        return { 256, 84 };
    case TensorType::Q3_K:
        return { 256, 110 };
    case TensorType::Q4_K:
        return { 256, 144 };
    case TensorType::Q5_K:
        return { 256, 176 };
    case TensorType::Q6_K:
        return { 256, 210 };
    case TensorType::IQ4_XS:
        return { 256, 136 };
    case TensorType::IQ3_S:
        return { 256, 110 };
    default:
        HEARTH_CHECK(!"blockShape: not a block type");
        return { 1, 1 };
    }
}

// Decodes elements [off, off + len) of a float-path row into buf, or points straight at F32 data.
const float* decodeChunkPortable(TensorType type, const uint8_t* row, uint32_t off, uint32_t len, float* buf)
{
    switch (type) {
    case TensorType::F32:
        return reinterpret_cast<const float*>(row) + off;
    case TensorType::F16:
        for (uint32_t i = 0; i < len; ++i)
            buf[i] = halfToFloat(loadU16(row + 2 * size_t(off + i)));
        return buf;
    case TensorType::BF16:
        for (uint32_t i = 0; i < len; ++i)
            buf[i] = bitsToFloat(uint32_t(loadU16(row + 2 * size_t(off + i))) << 16);
        return buf;
    default: {
        // Whole blocks: 256 / 32 of the small types, one K-quant super-block (off and len are
        // multiples of the block size: rows are whole blocks and kChunk is a multiple of 256).
        const BlockShape shape = blockShape(type);
        const uint8_t* src = row + size_t(off / shape.elements) * shape.bytes;
        for (uint32_t i = 0; i < len; i += shape.elements, src += shape.bytes)
            dequantizeBlock(type, src, buf + i);
        return buf;
    }
    }
}

float dotPortable(const float* a, const float* b, uint32_t n)
{
    // Eight partial sums: independent chains the compiler can keep in one vector register.
    float s[8] = {};
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j)
            s[j] += a[i + j] * b[i + j];
    float sum = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; i < n; ++i)
        sum += a[i] * b[i];
    return sum;
}

void rowDotFloatPortable(TensorType type, const uint8_t* row, uint32_t cols, const float* x, size_t xStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    float acc[kTokenGroup] = {};
    float buf[kChunk];
    for (uint32_t off = 0; off < cols; off += kChunk) {
        const uint32_t len = std::min(kChunk, cols - off);
        const float* w = decodeChunkPortable(type, row, off, len, buf);
        for (uint32_t t = 0; t < nTokens; ++t)
            acc[t] += dotPortable(w, x + t * xStride + off, len);
    }
    for (uint32_t t = 0; t < nTokens; ++t)
        out[t * outStride] = acc[t];
}

void rowDotQ8Portable(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    const uint32_t nb = cols / 32;
    const bool q4 = type == TensorType::Q4_0;
    const size_t blockBytes = q4 ? 18 : 34;
    for (uint32_t t = 0; t < nTokens; ++t) {
        const BlockQ8x* y = xq + t * xqStride;
        float sum = 0;
        for (uint32_t i = 0; i < nb; ++i) {
            const uint8_t* b = row + i * blockBytes;
            const float d = halfToFloat(loadU16(b));
            int isum = 0;
            if (q4) {
                // Element j in the low nibble of qs[j], element j + 16 in the high nibble.
                for (int j = 0; j < 16; ++j)
                    isum += ((b[2 + j] & 0x0f) - 8) * y[i].qs[j] + ((b[2 + j] >> 4) - 8) * y[i].qs[j + 16];
            } else {
                for (int j = 0; j < 32; ++j)
                    isum += int(int8_t(b[2 + j])) * y[i].qs[j];
            }
            sum += d * y[i].d * float(isum);
        }
        out[t * outStride] = sum;
    }
}

#ifdef HEARTH_X86

HEARTH_AVX2 float dotAvx2(const float* a, const float* b, uint32_t n)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(),
           s3 = _mm256_setzero_ps();
    uint32_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8)
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float sum = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; ++i)
        sum += a[i] * b[i];
    return sum;
}

HEARTH_AVX2 void axpyAvx2(float* y, float a, const float* x, uint32_t n)
{
    const __m256 va = _mm256_set1_ps(a);
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; ++i)
        y[i] += a * x[i];
}

HEARTH_AVX2 const float* decodeChunkAvx2(
    TensorType type, const uint8_t* row, uint32_t off, uint32_t len, float* buf)
{
    if (type == TensorType::F16 || type == TensorType::BF16) {
        const uint8_t* src = row + 2 * size_t(off);
        uint32_t i = 0;
        for (; i + 8 <= len; i += 8) {
            const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i));
            const __m256 f = type == TensorType::F16
                ? _mm256_cvtph_ps(h)
                : _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
            _mm256_storeu_ps(buf + i, f);
        }
        for (; i < len; ++i) {
            const uint16_t bits = loadU16(src + 2 * i);
            buf[i] = type == TensorType::F16 ? halfToFloat(bits) : bitsToFloat(uint32_t(bits) << 16);
        }
        return buf;
    }
    return decodeChunkPortable(type, row, off, len, buf);
}

HEARTH_AVX2 void rowDotFloatAvx2(TensorType type, const uint8_t* row, uint32_t cols, const float* x,
    size_t xStride, uint32_t nTokens, float* out, size_t outStride)
{
    float acc[kTokenGroup] = {};
    alignas(32) float buf[kChunk];
    for (uint32_t off = 0; off < cols; off += kChunk) {
        const uint32_t len = std::min(kChunk, cols - off);
        const float* w = decodeChunkAvx2(type, row, off, len, buf);
        for (uint32_t t = 0; t < nTokens; ++t)
            acc[t] += dotAvx2(w, x + t * xStride + off, len);
    }
    for (uint32_t t = 0; t < nTokens; ++t)
        out[t * outStride] = acc[t];
}

// Signed 8-bit × signed 8-bit products summed in pairs of pairs, as floats (ggml's trick: maddubs
// wants one unsigned operand, so move x's sign onto y).
HEARTH_AVX2 inline __m256 mulSumI8(__m256i absX, __m256i signX, __m256i y)
{
    const __m256i sy = _mm256_sign_epi8(y, signX);
    const __m256i dot16 = _mm256_maddubs_epi16(absX, sy);
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_set1_epi16(1), dot16));
}

// NT tokens (1..4) against one Q4_0/Q8_0 row: each weight block is unpacked once for all of them.
template <int NT, bool Q4>
HEARTH_AVX2 void rowDotQ8Tile(
    const uint8_t* row, uint32_t nb, const BlockQ8x* xq, size_t xqStride, float* out, size_t outStride)
{
    constexpr size_t kBlockBytes = Q4 ? 18 : 34;
    __m256 acc[NT];
    for (int j = 0; j < NT; ++j)
        acc[j] = _mm256_setzero_ps();
    for (uint32_t i = 0; i < nb; ++i) {
        const uint8_t* b = row + i * kBlockBytes;
        const float dw = _cvtsh_ss(loadU16(b));
        __m256i qx;
        if constexpr (Q4) {
            // Low nibbles are elements 0..15, high nibbles 16..31; stored with an offset of 8.
            const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 2));
            const __m256i both
                = _mm256_insertf128_si256(_mm256_castsi128_si256(packed), _mm_srli_epi16(packed, 4), 1);
            qx = _mm256_sub_epi8(_mm256_and_si256(both, _mm256_set1_epi8(0x0f)), _mm256_set1_epi8(8));
        } else {
            qx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 2));
        }
        const __m256i absX = _mm256_sign_epi8(qx, qx);
        for (int j = 0; j < NT; ++j) {
            const BlockQ8x& y = xq[j * xqStride + i];
            const __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.qs));
            acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(dw * y.d), mulSumI8(absX, qx, qy), acc[j]);
        }
    }
    for (int j = 0; j < NT; ++j)
        out[j * outStride] = hsum(acc[j]);
}

template <bool Q4>
HEARTH_AVX2 void rowDotQ8Avx2(const uint8_t* row, uint32_t cols, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    const uint32_t nb = cols / 32;
    uint32_t t = 0;
    for (; t + 4 <= nTokens; t += 4)
        rowDotQ8Tile<4, Q4>(row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
    switch (nTokens - t) {
    case 3:
        rowDotQ8Tile<3, Q4>(row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
        break;
    case 2:
        rowDotQ8Tile<2, Q4>(row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
        break;
    case 1:
        rowDotQ8Tile<1, Q4>(row, nb, xq + t * xqStride, xqStride, out + t * outStride, outStride);
        break;
    default:
        break;
    }
}

#endif // HEARTH_X86

} // namespace

bool haveAvx2()
{
    // HEARTH_CPU_NO_AVX2=1 forces the portable code (so the tests cover it on AVX2 machines too).
    return simdLevel() != SimdLevel::Portable;
}

namespace {

void quantizeRowQ8Portable(const float* x, BlockQ8x* out, uint32_t n)
{
    // ggml's quantize_row_q8_0: scale = max|x| / 127 (kept at f16 precision), round to nearest.
    for (uint32_t b = 0; b < n / 32; ++b) {
        const float* v = x + b * 32;
        float amax = 0;
        for (int j = 0; j < 32; ++j)
            amax = std::max(amax, std::fabs(v[j]));
        const float d = halfToFloat(floatToHalf(amax / 127.0f));
        const float id = amax != 0 ? 127.0f / amax : 0.0f;
        out[b].d = d;
        out[b].sum = 0;
        for (int j = 0; j < 32; ++j) {
            out[b].qs[j] = int8_t(std::nearbyint(v[j] * id));
            out[b].sum += out[b].qs[j];
        }
    }
}

#ifdef HEARTH_X86
// The same, eight lanes at a time (the rounding of cvtps_epi32 is nearbyint's: to nearest even).
HEARTH_AVX2 void quantizeRowQ8Avx2(const float* x, BlockQ8x* out, uint32_t n)
{
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    for (uint32_t b = 0; b < n / 32; ++b) {
        const float* v = x + b * 32;
        __m256 f[4];
        __m256 amax = _mm256_setzero_ps();
        for (int j = 0; j < 4; ++j) {
            f[j] = _mm256_loadu_ps(v + 8 * j);
            amax = _mm256_max_ps(amax, _mm256_andnot_ps(signBit, f[j]));
        }
        const float maxAbs = hmax(amax);
        out[b].d = halfToFloat(floatToHalf(maxAbs / 127.0f));
        const __m256 id = _mm256_set1_ps(maxAbs != 0 ? 127.0f / maxAbs : 0.0f);
        __m256i q[4];
        for (int j = 0; j < 4; ++j)
            q[j] = _mm256_cvtps_epi32(_mm256_mul_ps(f[j], id));
        const __m256i sum32 = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
        __m128i s = _mm_add_epi32(_mm256_castsi256_si128(sum32), _mm256_extracti128_si256(sum32, 1));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
        s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
        out[b].sum = _mm_cvtsi128_si32(s);
        // packs work within 128-bit lanes: put the dwords back in order at the end.
        const __m256i q16a = _mm256_packs_epi32(q[0], q[1]), q16b = _mm256_packs_epi32(q[2], q[3]);
        const __m256i q8 = _mm256_permutevar8x32_epi32(
            _mm256_packs_epi16(q16a, q16b), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[b].qs), q8);
    }
}
#endif

} // namespace

void quantizeRowQ8(const float* x, BlockQ8x* out, uint32_t n)
{
#ifdef HEARTH_X86
    if (haveAvx2()) return quantizeRowQ8Avx2(x, out, n);
#endif
    quantizeRowQ8Portable(x, out, n);
}

void rowDotFloat(TensorType type, const uint8_t* row, uint32_t cols, const float* x, size_t xStride,
    uint32_t nTokens, float* out, size_t outStride)
{
#ifdef HEARTH_X86
    if (haveAvx2()) return rowDotFloatAvx2(type, row, cols, x, xStride, nTokens, out, outStride);
#endif
    rowDotFloatPortable(type, row, cols, x, xStride, nTokens, out, outStride);
}

void rowDotQ8(TensorType type, const uint8_t* row, uint32_t cols, const BlockQ8x* xq, size_t xqStride,
    uint32_t nTokens, float* out, size_t outStride)
{
    if (isLegacyQ8Type(type)) return rowDotQ8Legacy(type, row, cols, xq, xqStride, nTokens, out, outStride);
#ifdef HEARTH_X86
    if (haveAvx2()) {
        if (type == TensorType::Q4_0)
            return rowDotQ8Avx2<true>(row, cols, xq, xqStride, nTokens, out, outStride);
        return rowDotQ8Avx2<false>(row, cols, xq, xqStride, nTokens, out, outStride);
    }
#endif
    rowDotQ8Portable(type, row, cols, xq, xqStride, nTokens, out, outStride);
}

float dotF32(const float* a, const float* b, uint32_t n)
{
#ifdef HEARTH_X86
    if (haveAvx2()) return dotAvx2(a, b, n);
#endif
    return dotPortable(a, b, n);
}

void axpyF32(float* y, float a, const float* x, uint32_t n)
{
#ifdef HEARTH_X86
    if (haveAvx2()) return axpyAvx2(y, a, x, n);
#endif
    for (uint32_t i = 0; i < n; ++i)
        y[i] += a * x[i];
}

} // namespace hearth::cpu
