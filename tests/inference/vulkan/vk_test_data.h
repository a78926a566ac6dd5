// Inputs and twins shared by the per-operation Vulkan tests: random activations, random quantized
// matrices with their exact dequantization, the product in double, and the error measure.
#pragma once

#include "quant/types.h"
#include "vk_harness.h"
#include "vulkan/weights.h"

#include <cstdint>
#include <vector>

namespace hearth::test {

std::vector<float> randomFloats(size_t n, uint32_t seed, float scale = 1.0f);

// A (rows, cols) matrix of `type`: quantized random values, and its exact dequantization.
struct TestMatrix {
    std::vector<uint8_t> bytes;
    std::vector<float> values;
};
TestMatrix randomMatrix(TensorType type, uint32_t rows, uint32_t cols, uint32_t seed);

// The twin of the products: y[t][r] = sum_k w[r][k] x[t][k], in double.
std::vector<double> referenceMatmul(
    const std::vector<float>& w, const std::vector<float>& x, uint32_t rows, uint32_t cols, uint32_t tokens);

// The twin of RMSNorm: rmsNorm(x[t]) * weight for `tokens` rows of `cols`, in double.
std::vector<float> rmsNormed(
    const std::vector<float>& x, const std::vector<float>& weight, uint32_t cols, uint32_t tokens, float eps);

// max |a - b| / max |b|
double relativeError(const std::vector<float>& a, const std::vector<double>& b);

// Uploads a matrix as `pieces` separate buffers split by rows, as the weight store splits a matrix
// larger than the storage-buffer range, each followed by the store's padding (kWeightPadding bytes,
// not zeros, so that a shader computing with them fails its test).
vk::GpuMatrix uploadPieces(
    VkHarness& h, TensorType type, const TestMatrix& m, uint32_t rows, uint32_t cols, uint32_t pieces);

} // namespace hearth::test
