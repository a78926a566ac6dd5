// The tuner: on the first load of a model on a device, times the candidate variants of the hot
// kernels at the model's shapes (tuner_questions.h), checks each candidate's output against the
// reference kernel on the same random input — twice, so an unstable variant is caught too — rejects
// the ones that differ, and keeps the fastest valid one. The choices are cached per device, driver,
// shader build and shape (tuning_cache.h); a later load takes them from there without timing. A
// budget bounds the time: questions it leaves unfinished keep their best so far, uncached.
#pragma once

#include "vulkan/commands.h"
#include "vulkan/forward_plan.h"
#include "vulkan/kernel_config.h"
#include "vulkan/kernel_tuning.h"

namespace hearth::vk {

struct TunerDevice {
    const Device& device;
    Pipelines& pipelines; // left with `base`'s config; the caller sets the tuned one
    DescriptorCache& descriptors; // cleared after (the tuner's buffers are gone)
    Allocator& allocator;
};

struct TunerShapes {
    const PlanModel& model;
    uint32_t contextLength;
    uint32_t maxBatch;
};

// The config the tuner chose, starting from `base` (the device's defaults), with what it did in
// `report`. Errors: the device's (lost, out of memory) while tuning.
Result<KernelConfig> tuneKernels(const TunerDevice& device, const TunerShapes& shapes,
    const KernelConfig& base, const VulkanTuning& options, KernelTuningReport& report);

} // namespace hearth::vk
