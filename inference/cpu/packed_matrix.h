// PackedMatrix: a weight matrix rearranged, 16 rows at a time, for the panel kernels (dot_panel.cpp).
//
// In the file a row's blocks follow each other; a panel interleaves 16 rows four quants at a time, so
// that one 64-byte load holds four consecutive quants of each of the 16 rows: an integer dot product
// (vpdpbusd) against four activation bytes broadcast to every lane then sums 16 rows at once, and the
// per-row scales multiply a vector of 16 rows. Nothing needs a horizontal sum, each weight byte loaded
// serves a whole tile of tokens, and one panel is a single sequential stream for the prefetcher.
//
// Quants are stored unsigned (Q8_0 as q + 128, Q6_K as 0..63, IQ4 table values looked up as v + 128),
// because vpdpbusd multiplies unsigned by signed bytes: the offset's share of the product is taken
// off with the activation block sums. Every type keeps its own bit width (a 4-bit type stays 4 bits:
// decode reads the panels too, and wider quants would be more bytes per token); the fifth bits of
// Q5_0/Q5_1/Q5_K are regrouped beside their nibbles, so the panels take the file's bytes or fewer.
// Scales and the K-quants' 6-bit sub-block scales are unpacked once here, not per product.
//
// Rows past the last whole panel are not packed: they stay in the file's layout.
#pragma once

#include "model/tensor_view.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace hearth {

class ThreadPool;

struct PackedMatrix {
    TensorType type = TensorType::F32;
    uint32_t panels = 0; // rows [0, 16 * panels) are packed
    uint32_t cols = 0;
    size_t panelBytes = 0; // a multiple of 64
    std::unique_ptr<uint8_t[], void (*)(void*)> bytes { nullptr, nullptr };

    const uint8_t* panel(uint32_t p) const { return bytes.get() + size_t(p) * panelBytes; }
};

namespace cpu {

constexpr uint32_t kPanelRows = 16;

// Types that have a panel layout and kernel: Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q8_0 (32-element blocks,
// one kernel template), Q4_K, Q5_K, IQ4_XS (nibbles in one order, one template) and Q6_K.
bool hasPanelLayout(TensorType type);
// True when matmul should use panels on this CPU (the AVX-512 VNNI or the AVX2 kernels run here).
bool panelsPayOff();
// True when `type`'s weights should be packed on this CPU: panelsPayOff() and a layout, except Q5_K
// on AVX2 CPUs, where its panel kernel decodes at half the speed of the rows (its prefill gain,
// ~1.7×, does not make up for that); on AVX-512 VNNI prefill is ~3.4× faster, decode ~10-25% slower.
bool panelsPayOff(TensorType type);

// The panels of `w` (w.rows / 16 of them; none if fewer than 16 rows). hasPanelLayout(w.type) must hold.
PackedMatrix packMatrix(const TensorView& w, ThreadPool* pool);

} // namespace cpu
} // namespace hearth
