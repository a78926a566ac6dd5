// VulkanBackend: the model on one device — its weights, activation buffers, KV cache and the
// forward pass (forward.cpp). Created by createVulkanBackend (vulkan_backend.cpp).
#pragma once

#include "backend.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "vulkan/attention.h"
#include "vulkan/commands.h"
#include "vulkan/device.h"
#include "vulkan/forward_plan.h"
#include "vulkan/kernel_tuning.h"
#include "vulkan/memory.h"
#include "vulkan/pipeline.h"
#include "vulkan/products.h"
#include "vulkan/products_norm.h"
#include "vulkan/tuner_questions.h"
#include "vulkan/vulkan_backend.h"
#include "vulkan/weights.h"

#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace hearth::vk {

// A layer's KV cache: (context, kv) f16 each.
struct KvCache {
    Buffer k, v;
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
    // Tune the kernels in load(), after the upload (tuner.h); before load().
    void tuneKernels(const VulkanTuning& tuning) { m_tuning = tuning; }
    const std::optional<KernelTuningReport>& tuningReport() const { return m_tuningReport; }
    // Tests only: the device's default config (a GPU's where gpuShaders), and the tuner's questions for
    // this model from `base` (their workloads bound to no buffers: only the candidates are for use),
    // so a test can run every variant the tuner may choose; after load().
    KernelConfig defaultConfig(bool gpuShaders) const;
    std::vector<TuningQuestion> tuningQuestionsFrom(const KernelConfig& base);
    // Tests only: the forward passes that follow run `config` (the developer overrides on top), as a
    // tuned one; the KV cache is kept, so decode variants can follow one long prefill.
    Status useKernelConfig(const KernelConfig& config);
    // Plans and uploads the weights, allocates activations and the KV cache.
    Status load(const LlamaWeights& weights, const std::function<void(float)>& progress);
    // The first half of load(): places the weights (nothing uploaded) and makes the forward plans.
    Status planWeights(const LlamaWeights& weights);
    // The plan of batches of `tokens` tokens, printed (hearth-vk-check plan); after planWeights().
    std::string describePlan(uint32_t tokens) const;

    std::string deviceName() const override { return m_device->name(); }
    std::string kind() const override { return "vulkan"; }
    uint32_t contextLength() const override { return m_contextLength; }
    uint32_t vocabSize() const override { return m_config.vocabSize; }
    Status forward(std::span<const int32_t> tokens, uint32_t startPos, std::span<float> logits) override;

    uint32_t lastDispatchCount() const { return m_lastDispatches; }
    const ForwardPlans& plans() const { return m_plans; }
    // The pipelines of the last recorded batch, in order.
    const std::vector<ShaderId>& lastDispatched() const { return m_lastDispatched; }
    // Benchmark tools: the decode step's recording counted (step_counts.cpp); nullopt before one.
    std::optional<VulkanStepCounts> decodeStepCounts(uint32_t position) const;
    // Tests: whether each dispatch of the decode step's recording waits on a barrier (Recorder::
    // dispatchWaits); empty before one.
    std::vector<bool> decodeStepWaits() const;
    // Benchmark tools: GPU time per shader on both recorders (profiler.h).
    bool startProfile();
    const Device& device() const { return *m_device; }
    std::string profileTable();

private:
    // forward.cpp: one batch of at most m_batch tokens, one submit.
    Status forwardBatch(
        std::span<const int32_t> tokens, uint32_t startPos, bool wantLogits, bool allLogits, float* logits);
    // Every dispatch of a batch of n tokens, as its plan lists them; the positions come from the step
    // buffer.
    void recordBatch(Recorder& rec, uint32_t n, bool wantLogits, bool allLogits);
    // Where a step runs: its tokens, the first row of x it reads (the head: the rows whose logits are
    // wanted), its layer.
    struct StepSite {
        uint32_t tokens;
        uint32_t xOffset = 0; // floats
        size_t layer = 0;
    };
    // One step of the plan: its dispatches with their buffers.
    void recordStep(Recorder& rec, const PlanStep& step, const StepSite& at);
    // The ops of recordStep, for the steps that take more than one line.
    void embed(Recorder& rec, const GpuMatrix& table, uint32_t tokens);
    void rmsNorm(Recorder& rec, const GpuMatrix& weight, uint32_t xOffset, uint32_t tokens);
    // The input of a product after a norm, as its kernel reads it: xn, or x (the norm taken in).
    Activation normedInput(const PlanStep& step, uint32_t xOffset) const;
    // y (+)= W x with the step's kernel; norm: the norm's weight a NormMatVec kernel takes in.
    void product(Recorder& rec, const PlanStep& step, Activation x, size_t norm, uint32_t tokens,
        Activation y, bool accumulate);
    void swigluProduct(Recorder& rec, const PlanStep& step, size_t norm, uint32_t tokens);
    void ropeProduct(Recorder& rec, const PlanStep& step, size_t layer, uint32_t tokens);
    // Llama 3.1's rope frequency factors, or one 1.0 when the model has none.
    BufferRef ropeFactors() const;
    PlanModel planModel() const;
    // The device's default kernel config (with the test options), and taking a config: the developer
    // overrides on top, then the pipelines' constants and the product and attention policies.
    KernelConfig defaultConfig() const;
    void applyKernelConfig(KernelConfig config);
    // Bytes of the integer products' quantized input the current product policy needs.
    uint64_t q8Bytes() const;

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
    VulkanTuning m_tuning;
    std::optional<KernelTuningReport> m_tuningReport;
    WeightStore m_weights;
    std::vector<LayerWeightIds> m_layers;
    std::vector<KvCache> m_kv; // per layer
    size_t m_tokenEmbedding = 0;
    size_t m_output = 0;
    size_t m_outputNorm = 0;
    std::optional<size_t> m_ropeFactors;
    Activations m_act;
    bool m_lost = false; // after a device loss every call fails until the model is reloaded
    uint32_t m_lastDispatches = 0;
    std::vector<ShaderId> m_lastDispatched;
    ProductPolicy m_products;
    ForwardPlans m_plans; // per class of batch sizes, made at load
};

} // namespace hearth::vk
