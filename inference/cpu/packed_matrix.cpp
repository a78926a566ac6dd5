// Packing weights into panels (layouts in panel_layout.h, reasons in packed_matrix.h).
#include "cpu/packed_matrix.h"

#include "cpu/cpu_features.h"
#include "cpu/panel_layout.h"
#include "cpu/threadpool.h"
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

void packQ4_0(const TensorView& w, uint32_t p, uint8_t* dst)
{
    const uint32_t nb = w.cols / 32;
    uint8_t* qs = dst;
    uint8_t* scales = dst + size_t(nb) * kQ4_0PanelQs;
    for (uint32_t r = 0; r < kPanelRows; ++r) {
        const uint8_t* row = w.row(p * kPanelRows + r);
        for (uint32_t b = 0; b < nb; ++b) {
            const uint8_t* src = row + size_t(b) * 18;
            std::memcpy(scales + (size_t(b) * kPanelRows + r) * 2, src, 2);
            // Chunk c: bytes 4c..4c+3 of qs (elements 4c.. in the low nibbles, 16 + 4c.. in the high).
            for (uint32_t c = 0; c < 4; ++c)
                put4(qs + size_t(b) * kQ4_0PanelQs + 64 * c, r, src + 2 + 4 * c);
        }
    }
}

void packQ8_0(const TensorView& w, uint32_t p, uint8_t* dst)
{
    const uint32_t nb = w.cols / 32;
    uint8_t* qs = dst;
    uint8_t* scales = dst + size_t(nb) * kQ8_0PanelQs;
    for (uint32_t r = 0; r < kPanelRows; ++r) {
        const uint8_t* row = w.row(p * kPanelRows + r);
        for (uint32_t b = 0; b < nb; ++b) {
            const uint8_t* src = row + size_t(b) * 34;
            std::memcpy(scales + (size_t(b) * kPanelRows + r) * 2, src, 2);
            for (uint32_t g = 0; g < 8; ++g) {
                uint8_t biased[4];
                for (int i = 0; i < 4; ++i)
                    biased[i] = uint8_t(src[2 + 4 * g + i] ^ 0x80); // q + 128
                put4(qs + size_t(b) * kQ8_0PanelQs + 64 * g, r, biased);
            }
        }
    }
}

void packQ4_K(const TensorView& w, uint32_t p, uint8_t* dst)
{
    const uint32_t nb = w.cols / 256;
    uint8_t* qs = dst;
    uint8_t* side = dst + size_t(nb) * kQ4_KPanelQs;
    for (uint32_t r = 0; r < kPanelRows; ++r) {
        const uint8_t* row = w.row(p * kPanelRows + r);
        for (uint32_t b = 0; b < nb; ++b) {
            const uint8_t* src = row + size_t(b) * 144;
            uint8_t* s = side + size_t(b) * kQ4_KPanelSide;
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
                    put4(qs + size_t(b) * kQ4_KPanelQs + 512 * c + 64 * g, r, src + 16 + 32 * c + 4 * g);
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
    return type == TensorType::Q4_0 || type == TensorType::Q8_0 || type == TensorType::Q4_K
        || type == TensorType::Q6_K;
}

bool panelsPayOff()
{
    return simdLevel() != SimdLevel::Portable;
}

size_t panelBytes(TensorType type, uint32_t cols)
{
    size_t bytes = 0;
    switch (type) {
    case TensorType::Q4_0:
        bytes = size_t(cols / 32) * (kQ4_0PanelQs + kPanelScaleBytes);
        break;
    case TensorType::Q8_0:
        bytes = size_t(cols / 32) * (kQ8_0PanelQs + kPanelScaleBytes);
        break;
    case TensorType::Q4_K:
        bytes = size_t(cols / 256) * (kQ4_KPanelQs + kQ4_KPanelSide);
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
            switch (w.type) {
            case TensorType::Q4_0:
                packQ4_0(w, p, dst);
                break;
            case TensorType::Q8_0:
                packQ8_0(w, p, dst);
                break;
            case TensorType::Q4_K:
                packQ4_K(w, p, dst);
                break;
            default:
                packQ6_K(w, p, dst);
                break;
            }
        }
    };
    if (pool)
        pool->parallelFor(m.panels, 1, pack);
    else
        pack(0, m.panels);
    return m;
}

} // namespace hearth::cpu
