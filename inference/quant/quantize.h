// Quantization from f32, reproducing llama.cpp's reference quantizer (quantize_row_*_ref in
// ggml-quants.c, no importance matrix) bit for bit, so a file we write equals llama-quantize's.
#pragma once

#include "quant/types.h"

#include <cstddef>

namespace hearth {

// True for the types quantize() can produce: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL,
// Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS, IQ3_S.
bool canQuantize(TensorType type);

// Converts `count` f32 values (a multiple of the type's block size) into `dst`, which must hold
// rowBytes(type, count) bytes. Rows are independent blocks, so callers may split work by rows.
void quantize(TensorType type, const float* src, void* dst, size_t count);

// The per-type reference quantizers, `count` a multiple of the block size (32 or 256).
void quantizeQ4_0(const float* src, uint8_t* dst, size_t count);
void quantizeQ8_0(const float* src, uint8_t* dst, size_t count);
void quantizeQ2_K(const float* src, uint8_t* dst, size_t count);
void quantizeQ3_K(const float* src, uint8_t* dst, size_t count);
void quantizeQ4_K(const float* src, uint8_t* dst, size_t count);
void quantizeQ5_K(const float* src, uint8_t* dst, size_t count);
void quantizeQ6_K(const float* src, uint8_t* dst, size_t count);
void quantizeQ4_1(const float* src, uint8_t* dst, size_t count);
void quantizeQ5_0(const float* src, uint8_t* dst, size_t count);
void quantizeQ5_1(const float* src, uint8_t* dst, size_t count);
void quantizeIQ4_NL(const float* src, uint8_t* dst, size_t count);
void quantizeIQ4_XS(const float* src, uint8_t* dst, size_t count);
void quantizeIQ3_S(const float* src, uint8_t* dst, size_t count);

} // namespace hearth

namespace hearth {

// quantize() over `rows` rows of `rowLength` values, split across `threads` threads (0: all cores).
void quantizeRows(
    TensorType type, const float* src, void* dst, size_t rows, size_t rowLength, unsigned threads = 0);

} // namespace hearth
