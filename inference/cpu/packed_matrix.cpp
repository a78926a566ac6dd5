// Packing weights into panels (layouts in panel_layout.h, reasons in packed_matrix.h).
#include "cpu/packed_matrix.h"

#include "cpu/cpu_features.h"
#include "cpu/panel_layout.h"
#include "cpu/threadpool.h"
#include "quant/dequant.h"
#include "quant/dequant_block.h"
#include "util/result.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace hearth::cpu {

namespace {

// Four bytes of row r's block into the 16-row, 4-byte-interleaved chunk at `chunk`.
inline void put4(uint8_t* chunk, uint32_t r, const uint8_t* src)
{
    std::memcpy(chunk + 4 * r, src, 4);
}

// The 32-element types (layouts in panel_layout.h): the file's d (and m) into the side stream, the
// nibbles or bytes into chunks, Q5_0/Q5_1's fifth bits regrouped by chunk.
void packQ8Family(const TensorView& w, uint32_t p, uint8_t* dst)
{
    const Q8PanelFormat f = q8PanelFormat(w.type);
    const uint32_t nb = w.cols / 32;
    const size_t blockBytes = rowBytes(w.type, 32);
    // Where the file's block keeps its fifth bits and quants (after d, m).
    const size_t qhAt = f.min ? 4 : 2, qsAt = qhAt + (f.fifthBit ? 4 : 0);
    uint8_t* side = dst + size_t(nb) * f.quantBytes;
    for (uint32_t r = 0; r < kPanelRows; ++r) {
        const uint8_t* row = w.row(p * kPanelRows + r);
        for (uint32_t b = 0; b < nb; ++b) {
            const uint8_t* src = row + size_t(b) * blockBytes;
            uint8_t* s = side + size_t(b) * f.sideBytes();
            uint8_t* q = dst + size_t(b) * f.quantBytes;
            std::memcpy(s + 2 * r, src, 2);
            if (f.min) std::memcpy(s + kPanelScaleBytes + 2 * r, src + 2, 2);
            if (w.type == TensorType::Q8_0) {
                for (uint32_t g = 0; g < 8; ++g) {
                    uint8_t biased[4];
                    for (int i = 0; i < 4; ++i)
                        biased[i] = uint8_t(src[qsAt + 4 * g + i] ^ 0x80); // q + 128
                    put4(q + 64 * g, r, biased);
                }
                continue;
            }
            // Chunk c: bytes 4c..4c+3 of qs (elements 4c.. in the low nibbles, 16 + 4c.. in the high).
            for (uint32_t c = 0; c < 4; ++c)
                put4(q + 64 * c, r, src + qsAt + 4 * c);
            if (f.fifthBit) {
                uint32_t qh;
                std::memcpy(&qh, src + qhAt, 4);
                uint8_t bits[4] = {};
                for (uint32_t i = 0; i < 4; ++i)
                    for (uint32_t c = 0; c < 4; ++c)
                        bits[i] |= uint8_t(
                            (((qh >> (4 * c + i)) & 1) << c) | (((qh >> (16 + 4 * c + i)) & 1) << (4 + c)));
                put4(q + 4 * 64, r, bits);
            }
        }
    }
}

// Q4_K and Q5_K (Q5_K's fifth bits after the 32 chunks of nibbles).
void packQ45_K(const TensorView& w, uint32_t p, uint8_t* dst)
{
    const bool q5 = w.type == TensorType::Q5_K;
    const uint32_t nb = w.cols / 256;
    const size_t quantBytes = q5 ? kQ5_KPanelQs : kQ4_KPanelQs, blockBytes = q5 ? 176 : 144;
    const size_t qsAt = q5 ? 48 : 16;
    uint8_t* side = dst + size_t(nb) * quantBytes;
    for (uint32_t r = 0; r < kPanelRows; ++r) {
        const uint8_t* row = w.row(p * kPanelRows + r);
        for (uint32_t b = 0; b < nb; ++b) {
            const uint8_t* src = row + size_t(b) * blockBytes;
            uint8_t* s = side + size_t(b) * kQ4_KPanelSide;
            uint8_t* q = dst + size_t(b) * quantBytes;
            std::memcpy(s + kQ4_KSideD + 2 * r, src, 2);
            std::memcpy(s + kQ4_KSideDmin + 2 * r, src + 2, 2);
            for (int j = 0; j < 8; ++j) {
                uint8_t sc, mn;
                scaleMinK4(j, src + 4, sc, mn);
                s[kQ4_KSideScales + kPanelRows * j + r] = sc;
                s[kQ4_KSideMins + 2 * (kPanelRows * (j / 2) + r) + (j % 2)] = mn;
            }
            for (uint32_t c = 0; c < 4; ++c)
                for (uint32_t g = 0; g < 8; ++g)
                    put4(q + 512 * c + 64 * g, r, src + qsAt + 32 * c + 4 * g);
            if (q5)
                for (uint32_t g = 0; g < 8; ++g)
                    put4(q + kQ4_KPanelQs + 64 * g, r, src + 16 + 4 * g);
        }
    }
}

// IQ4_XS: each run of 32 nibbles (elements 32s + j low, 32s + 16 + j high) regrouped as Q4_K's
// (elements 64c + l low, 64c + 32 + l high), so both share the chunk order.
void packIQ4_XS(const TensorView& w, uint32_t p, uint8_t* dst)
{
    const uint32_t nb = w.cols / 256;
    uint8_t* side = dst + size_t(nb) * kQ4_KPanelQs;
    for (uint32_t r = 0; r < kPanelRows; ++r) {
        const uint8_t* row = w.row(p * kPanelRows + r);
        for (uint32_t b = 0; b < nb; ++b) {
            const uint8_t* src = row + size_t(b) * 136;
            uint8_t* s = side + size_t(b) * kIQ4_XSPanelSide;
            std::memcpy(s + kIQ4_XSSideD + 2 * r, src, 2);
            for (int j = 0; j < 8; ++j)
                s[kIQ4_XSSideScales + kPanelRows * j + r] = uint8_t(int8_t(scaleIQ4_XS(src, j)));
            uint8_t nibble[256];
            for (uint32_t run = 0; run < 8; ++run)
                for (uint32_t j = 0; j < 16; ++j) {
                    nibble[32 * run + j] = src[8 + 16 * run + j] & 0x0f;
                    nibble[32 * run + 16 + j] = src[8 + 16 * run + j] >> 4;
                }
            uint8_t qs[128];
            for (uint32_t c = 0; c < 4; ++c)
                for (uint32_t l = 0; l < 32; ++l)
                    qs[32 * c + l] = uint8_t(nibble[64 * c + l] | (nibble[64 * c + 32 + l] << 4));
            for (uint32_t c = 0; c < 4; ++c)
                for (uint32_t g = 0; g < 8; ++g)
                    put4(dst + size_t(b) * kQ4_KPanelQs + 512 * c + 64 * g, r, qs + 32 * c + 4 * g);
        }
    }
}

void packQ6_K(const TensorView& w, uint32_t p, uint8_t* dst)
{
    const uint32_t nb = w.cols / 256;
    uint8_t* ql = dst;
    uint8_t* qh = dst + size_t(nb) * kQ6_KPanelQl;
    uint8_t* side = qh + size_t(nb) * kQ6_KPanelQh;
    for (uint32_t r = 0; r < kPanelRows; ++r) {
        const uint8_t* row = w.row(p * kPanelRows + r);
        for (uint32_t b = 0; b < nb; ++b) {
            const uint8_t* src = row + size_t(b) * 210;
            uint8_t* s = side + size_t(b) * kQ6_KPanelSide;
            std::memcpy(s + kQ6_KSideD + 2 * r, src + 208, 2);
            for (uint32_t j = 0; j < 16; ++j)
                s[kQ6_KSideScales + kPanelRows * j + r] = src[192 + j];
            for (uint32_t n = 0; n < 2; ++n)
                for (uint32_t g = 0; g < 8; ++g) {
                    uint8_t* l = ql + size_t(b) * kQ6_KPanelQl + 1024 * n + 128 * g;
                    put4(l, r, src + 64 * n + 4 * g);
                    put4(l + 64, r, src + 64 * n + 32 + 4 * g);
                    put4(qh + size_t(b) * kQ6_KPanelQh + 512 * n + 64 * g, r, src + 128 + 32 * n + 4 * g);
                }
        }
    }
}

} // namespace

bool hasPanelLayout(TensorType type)
{
    return isQ8PanelType(type) || type == TensorType::Q4_K || type == TensorType::Q5_K
        || type == TensorType::IQ4_XS || type == TensorType::Q6_K;
}

bool panelsPayOff()
{
    return simdLevel() != SimdLevel::Portable;
}

bool panelsPayOff(TensorType type)
{
    if (!panelsPayOff() || !hasPanelLayout(type)) return false;
    return type != TensorType::Q5_K || simdLevel() == SimdLevel::Avx512Vnni;
}

size_t panelBytes(TensorType type, uint32_t cols)
{
    size_t bytes = 0;
    if (isQ8PanelType(type)) {
        const Q8PanelFormat f = q8PanelFormat(type);
        bytes = size_t(cols / 32) * (f.quantBytes + f.sideBytes());
    } else
        switch (type) {
        case TensorType::Q4_K:
            bytes = size_t(cols / 256) * (kQ4_KPanelQs + kQ4_KPanelSide);
            break;
        case TensorType::Q5_K:
            bytes = size_t(cols / 256) * (kQ5_KPanelQs + kQ4_KPanelSide);
            break;
        case TensorType::IQ4_XS:
            bytes = size_t(cols / 256) * (kQ4_KPanelQs + kIQ4_XSPanelSide);
            break;
        case TensorType::Q6_K:
            bytes = size_t(cols / 256) * (kQ6_KPanelQl + kQ6_KPanelQh + kQ6_KPanelSide);
            break;
        default:
            HEARTH_CHECK(!"panelBytes: no panel layout");
        }
    return (bytes + 63) / 64 * 64;
}

PackedMatrix packMatrix(const TensorView& w, ThreadPool* pool)
{
    HEARTH_CHECK(hasPanelLayout(w.type));
    PackedMatrix m;
    m.type = w.type;
    m.cols = w.cols;
    m.panels = w.rows / kPanelRows;
    m.panelBytes = panelBytes(w.type, w.cols);
    if (m.panels == 0) return m;
    const size_t total = m.panelBytes * m.panels;
    void* memory = std::aligned_alloc(64, total);
    if (!memory) throw std::bad_alloc();
    m.bytes = { static_cast<uint8_t*>(memory), std::free };
    auto pack = [&](uint32_t begin, uint32_t end) {
        for (uint32_t p = begin; p < end; ++p) {
            uint8_t* dst = m.bytes.get() + size_t(p) * m.panelBytes;
            if (isQ8PanelType(w.type))
                packQ8Family(w, p, dst);
            else if (w.type == TensorType::Q4_K || w.type == TensorType::Q5_K)
                packQ45_K(w, p, dst);
            else if (w.type == TensorType::IQ4_XS)
                packIQ4_XS(w, p, dst);
            else
                packQ6_K(w, p, dst);
        }
    };
    if (pool)
        pool->parallelFor(m.panels, 1, pack);
    else
        pack(0, m.panels);
    return m;
}

} // namespace hearth::cpu
