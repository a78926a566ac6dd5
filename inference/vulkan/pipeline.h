// Compute pipelines built from the embedded SPIR-V (registry.h), created on first use and kept for
// the device's lifetime, through a pipeline cache saved to disk so a second start skips compilation.
// The specialization constants come from a KernelConfig (kernel_config.h): each set of values is a
// variant of its own, kept once made, so the tuner can switch between candidates and back.
#pragma once

#include "util/result.h"
#include "vulkan/device.h"
#include "vulkan/kernel_config.h"
#include "vulkan/loader.h"
#include "vulkan/registry.h"
#include "vulkan/shader_tables.h"

#include <array>
#include <map>
#include <string>

namespace hearth::vk {

struct Pipeline {
    VkPipeline pipeline = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
    PipelineSignature signature;
};

class Pipelines {
public:
    // cachePath: file to load the pipeline cache from and save it to ("" for none).
    // Starts with the device's default kernel config and the developer overrides (kernel_config.h).
    Pipelines(const Device& device, std::string cachePath);
    ~Pipelines();
    Pipelines(const Pipelines&) = delete;
    Pipelines& operator=(const Pipelines&) = delete;

    // The pipeline of `id` with the current config's specialization constants.
    Result<const Pipeline*> get(ShaderId id);
    // Later get() calls take this config's constants; pipelines made before stay valid (recordings
    // made with them may still be submitted) until the Pipelines is destroyed.
    void setConfig(const KernelConfig& config);
    const KernelConfig& config() const { return m_config; }
    // Rows per workgroup of mul_mat_vec for weights without a tuned shape of their own (the shader's
    // specialization constant): 4 on GPUs, 16 on CPU devices.
    uint32_t matVecRows() const { return m_config.matVec.rows; }
    // Rows per workgroup of mul_mat_vec_q8 (its specialization constant, as the workgroup size is).
    uint32_t q8Rows() const { return m_config.q8.rows; }
    uint32_t q8Workgroup() const { return m_config.q8.workgroup; }
    // Writes the cache file (when a path was given and something new was compiled).
    void saveCache();
    // The shader tables' buffer, for pipelines whose signature has `tables` (uploaded on first use).
    Result<BufferRef> tables() { return m_tables.get(*this); }

private:
    const Device& m_device;
    std::string m_cachePath;
    VkPipelineCache m_cache = VK_NULL_HANDLE;
    bool m_dirty = false;
    KernelConfig m_config;
    // Every variant made, by shader and specialization constants; m_current: the current config's.
    using VariantKey = std::pair<ShaderId, std::array<uint32_t, 4>>;
    std::map<VariantKey, Pipeline> m_variants;
    std::array<const Pipeline*, kShaderCount> m_current {};
    ShaderTables m_tables;
};

} // namespace hearth::vk
