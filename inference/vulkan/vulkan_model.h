// VulkanBackend: the model on one device — its weights, activation buffers, KV cache and the
// forward pass (forward.cpp). Created by createVulkanBackend (vulkan_backend.cpp).
#pragma once

#include "backend.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "vulkan/attention.h"
#include "vulkan/commands.h"
#include "vulkan/device.h"
#include "vulkan/memory.h"
#include "vulkan/pipeline.h"
#include "vulkan/products.h"
#include "vulkan/products_norm.h"
#include "vulkan/weights.h"

#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace hearth::vk {

// Where a product's RMSNorm is taken: written to xn first, fused into the product
// (products_norm.h), or fused into the quantization of the product's input (products_q8.h).
enum class NormPath { Separate, Fused, Quantized };

struct LayerMatrices {
    size_t attnNorm; // (dim) F32
    std::vector<size_t> qkv; // one stacked (q + 2kv, dim) matrix, or wq, wk, wv
    size_t wo; // (dim, q)
    size_t ffnNorm; // (dim) F32
    std::vector<size_t> gateUp; // one stacked (2 ffn, dim) matrix, or gate, up
    size_t down; // (dim, ffn)
    Buffer k, v; // KV cache: (context, kv) f16
};

// Activations for a batch of up to `batch` tokens, device-local for the model's lifetime.
struct Activations {
    Buffer x; // (batch, dim) the residual stream
    Buffer xn; // (batch, dim) normalized
    Buffer qkv; // (batch, q + 2kv) projections
    Buffer q; // (batch, q) rotated queries
    Buffer att; // (batch, q) attention output
    Buffer attPartials; // split attention's per-split results (attention.h)
    Buffer step; // StepParams, host-visible: the batch's first position
    Buffer gateUp; // (batch, 2 ffn) gate | up
    Buffer h; // (batch, ffn) swiglu output
    Buffer q8; // (decode tokens, q8Stride(max(dim, q, ffn)) words) quantized product input (products_q8.h)
    Buffer logits; // (logitRows, vocab)
    Buffer tokens; // (batch) int32, host-visible
    Buffer readback; // (logitRows, vocab), host-visible
    Buffer noFactors; // one 1.0f when the model has no rope_freqs
};

class VulkanBackend : public Backend {
public:
    VulkanBackend(std::unique_ptr<Device> device, const LlamaConfig& config, uint32_t contextLength,
        uint32_t batch, uint64_t pieceLimit, const std::string& cachePath);
    ~VulkanBackend() override;

    // Tests only (VulkanOptions::gpuShaderChoices, intDotProducts); before load().
    void useGpuShaderChoices() { m_gpuShaderChoices = true; }
    void useIntDotProducts() { m_intDotProducts = true; }
    // Plans and uploads the weights, allocates activations and the KV cache.
    Status load(const LlamaWeights& weights, const std::function<void(float)>& progress);

    std::string deviceName() const override { return m_device->name(); }
    std::string kind() const override { return "vulkan"; }
    uint32_t contextLength() const override { return m_contextLength; }
    uint32_t vocabSize() const override { return m_config.vocabSize; }
    Status forward(std::span<const int32_t> tokens, uint32_t startPos, std::span<float> logits) override;

    uint32_t lastDispatchCount() const { return m_lastDispatches; }
    // Benchmark tools: GPU time per shader on both recorders (profiler.h).
    bool startProfile();
    const Device& device() const { return *m_device; }
    std::string profileTable();

private:
    // forward.cpp: one batch of at most m_batch tokens, one submit.
    Status forwardBatch(
        std::span<const int32_t> tokens, uint32_t startPos, bool wantLogits, bool allLogits, float* logits);
    // Every dispatch of a batch of n tokens; the positions come from the step buffer.
    void recordBatch(Recorder& rec, uint32_t n, bool wantLogits, bool allLogits);
    void recordLayer(Recorder& rec, const LayerMatrices& layer, uint32_t tokens);
    // y[t][yOffset + r] (+)= W x[t] over every piece of a matrix: mat-vec for few tokens, tiled
    // mat-mat for more.
    void matmul(Recorder& rec, const GpuMatrix& w, const Buffer& x, uint32_t xOffset, uint32_t xStride,
        uint32_t tokens, const Buffer& y, uint32_t yOffset, uint32_t yStride, bool accumulate);
    // The norm path of products of `tokens` tokens on this device, for the products (weight ids) that
    // read the norm.
    NormPath normPath(uint32_t tokens, std::span<const size_t> products) const;
    // What a normed product needs before it: xn = rmsNorm(x) (Separate) or q8 = quantize(rmsNorm(x))
    // (Quantized), from x's tokens at xOffset floats; nothing when the norm is fused.
    void prepareNorm(Recorder& rec, NormPath path, size_t norm, uint32_t n, uint32_t xOffset = 0);
    // y = W n, n = rmsNorm(x) * weight `norm`: read from xn or q8 (prepareNorm), or computed by the
    // product itself (fused; also for a matrix without an integer-dot-product shader).
    void normedProduct(Recorder& rec, const GpuMatrix& w, size_t norm, NormPath path, uint32_t n,
        const Buffer& y, uint32_t yOffset, uint32_t yStride, uint32_t xOffset = 0);
    // h = silu(gate n) * (up n) from a stacked one-piece [gate; up] and n as normedProduct takes it; false
    // (nothing recorded) where no one-dispatch form applies.
    bool normedSwigluProduct(Recorder& rec, const GpuMatrix& gateUp, size_t norm, NormPath path, uint32_t n);
    // q|k|v = [wq; wk; wv] n, n as normedProduct takes it (the attention norm): into the qkv buffer, or
    // with the rope and the cache store fused in where they apply (then true).
    bool qkvProducts(
        Recorder& rec, const LayerMatrices& layer, NormPath path, uint32_t n, const RopeStoreArgs& rope);
    // x += W v for v of `cols` floats per token: quantized first and an integer product in decode with
    // integer dot products (products_q8.h), else matmul.
    void addProduct(Recorder& rec, const GpuMatrix& w, const Buffer& v, uint32_t cols, uint32_t n);
    void rmsNorm(
        Recorder& rec, const Buffer& x, uint32_t xOffset, size_t weight, uint32_t tokens, const Buffer& y);

    std::unique_ptr<Device> m_device;
    LlamaConfig m_config;
    uint32_t m_contextLength;
    uint32_t m_batch;
    uint32_t m_logitRows = 1;
    uint64_t m_pieceLimit;
    Allocator m_allocator;
    Pipelines m_pipelines;
    DescriptorCache m_descriptors;
    Recorder m_recorder; // batches (prefill), and weight upload
    Recorder m_decodeRecorder; // the one-token step, recorded once and submitted again
    AttentionPolicy m_attention;
    bool m_gpuShaderChoices = false;
    bool m_intDotProducts = false;
    WeightStore m_weights;
    std::vector<LayerMatrices> m_layers;
    size_t m_tokenEmbedding = 0;
    size_t m_output = 0;
    size_t m_outputNorm = 0;
    std::optional<size_t> m_ropeFactors;
    Activations m_act;
    bool m_lost = false; // after a device loss every call fails until the model is reloaded
    uint32_t m_lastDispatches = 0;
    ProductPolicy m_products;
};

} // namespace hearth::vk
