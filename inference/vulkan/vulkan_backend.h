// The Vulkan compute backend's public face: list devices, create a Backend on one of them.
// Everything else in inference/vulkan/ is private to the backend.
#pragma once

#include "backend.h"
#include "engine.h"
#include "gguf/gguf.h"
#include "model/llama_config.h"
#include "model/llama_weights.h"
#include "util/result.h"
#include "vulkan/kernel_tuning.h"
#include "vulkan/memory_estimate.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hearth {

struct VulkanOptions {
    int deviceIndex = -1; // physical device index from listVulkanDevices(); -1 picks the best
    uint32_t contextLength = 4096; // KV cache positions to allocate
    std::string pipelineCachePath; // empty: no on-disk pipeline cache
    std::function<void(float fraction)> progress; // 0..1 while uploading weights
    uint32_t maxBatch = 512; // tokens per submitted batch in prefill
    // Tests only: pretend storage buffers are at most this many bytes (0: the device's limit), to
    // exercise the splitting of large tensors on small models.
    uint64_t storageBufferLimitOverride = 0;
    // A context whose KV cache does not fit the device's memory becomes the largest that does (in
    // steps of 256 positions, and at least fitContextAtLeast) instead of an OutOfMemory error;
    // contextLength() tells which.
    bool fitContext = false;
    uint32_t fitContextAtLeast = 256;
    // Tests only: pretend the device has this many bytes of memory (0: its largest device-local heap).
    uint64_t deviceMemoryOverride = 0;
    bool enableValidation = false; // also set by HEARTH_VULKAN_VALIDATION=1
    // Tests only: on a CPU device (lavapipe), take the shaders and attention splits a GPU would (fused
    // norms, 32 splits), so CI checks the GPU's decode path too.
    bool gpuShaderChoices = false;
    // Tests only: with gpuShaderChoices, also take the integer-dot-product decode path (products_q8.h)
    // where the device has integer dot products, whatever HEARTH_VK_INT_DOT says.
    bool intDotProducts = false;
    // Tuning the kernels for this device and model after the weights are uploaded (kernel_tuning.h);
    // off: the device's safe defaults.
    VulkanTuning tuning;
};

// Every Vulkan device, best first (discrete, integrated, virtual, CPU). Empty when there is no loader
// or no device. `index` is the physical device index that VulkanOptions::deviceIndex takes.
std::vector<DeviceInfo> listVulkanDevices();
// Why listVulkanDevices() is empty, for the user: Vulkan not installed (no loader), no driver, no
// device, or no device that can run Hearth. Empty when a device is usable.
std::string noVulkanDeviceReason();

// The file's tensors, as memory_estimate.h counts them.
WeightFootprint weightFootprint(const GgufFile& file);
// Device memory the model and a context of `contextLength` need, in bytes (weights + KV + scratch).
uint64_t estimateVulkanMemory(const GgufFile& file, const LlamaConfig& config, uint32_t contextLength);

// Ok when the Vulkan backend has shaders for every weight matrix's type; otherwise the Unsupported
// error a user sees, naming the first tensor it cannot run and its type and pointing at the CPU
// backend (which runs every type GGUF files we open hold). Needs no device: checked before one opens.
Status checkVulkanWeightTypes(const LlamaWeights& weights);

// Uploads the bound weights to the device and prepares the forward pass. The file must stay open
// while the backend is created (weights are copied to the device; the mapping is not kept after).
// Errors: NoDevice, OutOfMemory (with needed/available and a suggestion), Unsupported (tensor type).
Result<std::unique_ptr<Backend>> createVulkanBackend(const GgufFile& file, const LlamaWeights& weights,
    const LlamaConfig& config, const VulkanOptions& options);

// The forward pass's plan for batches of `tokens` tokens on the chosen device, printed: every dispatch
// of the embedding, of each distinct layer and of the head, with its pipeline (hearth-vk-check plan).
// Only the weights' shapes and types are read: nothing is uploaded, so any model's plan prints.
Result<std::string> describeVulkanPlan(
    const LlamaWeights& weights, const LlamaConfig& config, const VulkanOptions& options, uint32_t tokens);

// Benchmark tools: time every shader of the forward passes that follow on the GPU (timestamps);
// false when `backend` is not a Vulkan one or its queue has no timestamps. The table lists GPU time
// per shader since the start or the previous table, largest first.
bool startVulkanProfile(Backend& backend);
std::string vulkanProfileTable(Backend& backend);

// What tuning did when `backend` (a Vulkan one, created with tuning on) was loaded; null otherwise.
const KernelTuningReport* vulkanTuningReport(const Backend& backend);

// Benchmark tools (and their test): what the recording of one decode step holds, counted from the
// commands recorded for it (step_counts.cpp). Bytes are those its dispatches read, by what they read:
// the weight ranges they bind for reading (of the embedding table only the token's row), and the rows
// of the KV cache in use at `position` (positions 0..position) for each binding of a layer's cache.
// Activations are not counted (tiny in decode, and bound for a whole batch).
struct VulkanStepCounts {
    uint32_t dispatches = 0;
    uint32_t barriers = 0; // pipeline barriers, the final one before the host reads included
    uint64_t weightBytes = 0;
    uint64_t kvBytes = 0;
};
// Nullopt when `backend` is not a Vulkan one or has not run a decode step (one token, logits) yet.
std::optional<VulkanStepCounts> vulkanDecodeStepCounts(Backend& backend, uint32_t position);

// Tests only: the next submit of `backend` (a Vulkan one: false otherwise) fails as the driver would
// report a lost device or exhausted device memory, so the handling of both can be tested.
enum class VulkanFault { DeviceLost, OutOfDeviceMemory };
bool failNextVulkanSubmit(Backend& backend, VulkanFault fault);

// Copy bandwidth of the device in GB/s (read + write bytes / time) over a buffer of `bytes`: the faster
// of a copy through storage-buffer loads and one through texel fetches; used by `hearth-cli bench`.
Result<double> measureVulkanCopyBandwidth(int deviceIndex, uint64_t bytes);

} // namespace hearth
