// The tuner's questions (tuner.h): which kernel variants to time for a model on a device, each with
// the workload that runs the model's real shapes through the variant and the tolerance its output
// must meet against the question's first candidate, today's default (the reference).
#pragma once

#include "vulkan/attention.h"
#include "vulkan/forward_plan.h"
#include "vulkan/kernel_config.h"
#include "vulkan/products.h"

#include <functional>
#include <string>
#include <vector>

namespace hearth::vk {

// The tuner's own device buffers: random inputs, the outputs it compares, a small KV cache.
struct TuningBuffers {
    Buffer x; // (tokens, max cols) floats, random
    Buffer y; // every product's output, one region per matrix
    Buffer q8; // the quantized input of the integer products, one token
    Buffer q, k, v, att, partials, step; // decode attention at position attentionPosition
};

struct TuningCandidate {
    std::string name;
    std::function<void(KernelConfig&)> apply; // onto the config chosen so far
    bool wrong = false; // the injected wrong variant: the workload only fills the output
};

struct TuningQuestion {
    std::string name; // "decode mat-vec q4_0"
    std::string shape; // the shapes timed, part of the cache key
    std::vector<TuningCandidate> candidates; // the first is the current choice: the reference
    // Records the workload with the policies of a candidate's config.
    std::function<void(Recorder&, const ProductPolicy&, const AttentionPolicy&)> record;
    BufferRef output; // what the candidates are compared on
    double tolerance; // largest relative L2 difference from the reference that counts as valid
};

struct TuningShapes {
    const PlanModel& model;
    uint32_t prefillTokens; // tokens of the timed prefill batch
    uint32_t attentionPosition; // the decode position attention is timed at
};

// Bytes each buffer needs for these shapes.
struct TuningBufferSizes {
    uint64_t x, y, q8, q, kv, att;
};
TuningBufferSizes tuningBufferSizes(const TuningShapes& shapes);

// The questions for this model on this device, in the order they are answered (each starting from
// the config the ones before chose): per weight type the decode mat-vec's layout, integer dot products
// or float (GPUs that have them), attention's splits, the prefill tile (GPUs). defaults: the product
// policy of `base`. `buffers` must outlive the questions.
std::vector<TuningQuestion> tuningQuestions(const Device& device, const KernelConfig& base,
    const ProductPolicy& defaults, const TuningShapes& shapes, const TuningBuffers& buffers);

} // namespace hearth::vk
