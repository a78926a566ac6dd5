// The forward pass's plan: every dispatch of a batch, chosen once at load for each class of batch
// sizes that the products treat alike (a few tokens take mat-vec products, more the tiled ones). The
// plan says which norm path each product takes (a separate rms_norm, the norm inside the product, or
// inside the quantization of its input), whether RoPE and SwiGLU are fused into the products, and
// integer dot products or float ones, per layer, since the types of a layer's matrices decide some of
// it (a Q4_K_M file holds Q6_K tensors in some layers). forward.cpp records a plan step by step;
// `hearth-vk-check plan MODEL` prints it.
#pragma once

#include "model/llama_config.h"
#include "vulkan/attention.h"
#include "vulkan/products.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::vk {

// A layer's matrices, as ids into the weight store.
struct LayerWeightIds {
    size_t attnNorm = 0; // (dim) F32
    std::vector<size_t> qkv; // one stacked (q + 2kv, dim) matrix, or wq, wk, wv
    size_t wo = 0; // (dim, q)
    size_t ffnNorm = 0; // (dim) F32
    std::vector<size_t> gateUp; // one stacked (2 ffn, dim) matrix, or gate, up
    size_t down = 0; // (dim, ffn)
};

// The model as the plan sees it: its shape and its matrices (the weight store's, by id).
struct PlanModel {
    const LlamaConfig& config;
    std::span<const GpuMatrix> matrices;
    size_t tokenEmbedding; // (vocab, dim)
    size_t output; // (vocab, dim); the embedding when tied
    size_t outputNorm; // (dim) F32
    std::span<const LayerWeightIds> layers;
    uint64_t kvCacheBytes; // one layer's K (or V) cache
};

// What a step computes; n is the normed input of a product, n = rmsNorm(x) * norm.
enum class Step : uint8_t {
    Embed, // x = token_embd[tokens]
    AttnNorm, // xn = rmsNorm(x) * attn_norm
    AttnNormQuantize, // q8 = quantize(rmsNorm(x) * attn_norm)
    Qkv, // qkv[row..] = W n, W = [wq; wk; wv] or one of them
    QkvRope, // q, k, v = W n, q and k rotated, k and v stored into the cache at the position
    RopeStore, // q, k = rope(qkv); k, v stored into the cache at the position
    Attention, // att = softmax(q k^T / sqrt(headDim), causal) v
    AttQuantize, // q8 = quantize(att)
    OutputAdd, // x += wo att
    FfnNorm, // xn = rmsNorm(x) * ffn_norm
    FfnNormQuantize, // q8 = quantize(rmsNorm(x) * ffn_norm)
    GateUp, // gu[row..] = W n, W = [gate; up] or one of them
    GateUpSwiglu, // h = silu(gate n) * (up n)
    Swiglu, // h = silu(gate) * up
    HQuantize, // q8 = quantize(h)
    DownAdd, // x += down h
    OutputNorm, // xn = rmsNorm(x) * output_norm, of the rows whose logits are wanted
    OutputNormQuantize, // q8 = quantize(rmsNorm(x) * output_norm)
    Logits, // logits = output n
    ReadBack, // logits copied to the host-visible buffer (a copy, no dispatch)
};

struct PlanStep {
    Step step;
    ProductKernel kernel = ProductKernel::MatVec; // product steps: how W meets its input
    size_t matrix = 0; // the product's matrix, the norm's weight or the embedding (a weight id)
    uint32_t row = 0; // Qkv, QkvRope, GateUp: the first row of the output this matrix writes
    std::optional<ShaderId> shader; // none for ReadBack
    uint32_t dispatches = 1; // one per piece of a split matrix
    std::string_view what; // the weights it reads, for the printout: "attn_q|attn_k|attn_v"
};

// The steps of batches of firstTokens tokens or more (up to the next plan's firstTokens).
struct ForwardPlan {
    uint32_t firstTokens = 1;
    std::vector<PlanStep> embed;
    std::vector<std::vector<PlanStep>> layers; // per layer
    std::vector<PlanStep> head; // logits for firstTokens.. rows (a batch wanting one row takes plan 1's)
    std::vector<std::string> why; // the choices that shaped it, for the printout
};

// The plans for batches of 1..maxBatch tokens, one per class of batch sizes, the first for 1 token.
struct ForwardPlans {
    std::vector<ForwardPlan> byClass;

    const ForwardPlan& forTokens(uint32_t tokens) const;
};

// The plan for batches of `tokens` tokens (and the others of its class).
ForwardPlan planForward(
    const PlanModel& model, const ProductPolicy& products, const AttentionPolicy& attention, uint32_t tokens);
ForwardPlans planForwardBatches(const PlanModel& model, const ProductPolicy& products,
    const AttentionPolicy& attention, uint32_t maxBatch);

// Every pipeline a batch runs, in order: the plan's steps expanded by their dispatches; the head's from
// `head` (the plan of the rows of logits wanted), none when null.
std::vector<ShaderId> plannedDispatches(const ForwardPlan& plan, const ForwardPlan* head);

// "QkvRope", and what it computes: "q, k, v = W n, ...".
std::string_view stepName(Step step);
std::string_view stepFormula(Step step);
// The plan as `hearth-vk-check plan` prints it: each step of the embedding, of each distinct layer (with
// the layers that share it) and of the head, with its pipeline and dispatches.
std::string describePlan(const ForwardPlan& plan, const ForwardPlan& head, const PlanModel& model);

} // namespace hearth::vk
