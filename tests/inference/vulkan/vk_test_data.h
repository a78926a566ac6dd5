// Inputs and twins shared by the per-operation Vulkan tests: random activations, random quantized
// matrices with their exact dequantization, the product in double, and the error measure.
#pragma once

#include "quant/types.h"
#include "vk_harness.h"
#include "vulkan/weights.h"

#include <cstdint>
#include <string_view>
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

// The device's result in y against its twin computed in double: within 1e-5 of the largest value
// (a Qt Test check: it fails the running test).
void verifyAgainstTwin(VkHarness& h, const vk::Buffer& y, const std::vector<double>& ref);

// Whether the last submit ran a shader whose name starts with `prefix` (the profiler names each
// dispatch's shader).
bool ranShader(VkHarness& h, std::string_view prefix);

// The RoPE + KV-cache store's twin: the largest errors of q (rotated), the k cache (rotated, f16) and
// the v cache (f16) against qkv, (tokens, qDim + 2 kvDim) at positions startPos.., computed in double.
struct RopeErrors {
    double q = 0, k = 0, v = 0;
};
RopeErrors ropeStoreErrors(const std::vector<float>& qkv, uint32_t tokens, uint32_t startPos, uint32_t qDim,
    uint32_t kvDim, uint32_t headDim, float base, const std::vector<float>& factors,
    const std::vector<float>& q, const std::vector<uint16_t>& k, const std::vector<uint16_t>& v);

// Llama 3.1-style frequency factors for a test: not all equal.
std::vector<float> testRopeFactors(uint32_t headDim);

} // namespace hearth::test
