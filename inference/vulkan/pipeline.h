// Compute pipelines built from the embedded SPIR-V (registry.h), created on first use and kept for
// the device's lifetime, through a pipeline cache saved to disk so a second start skips compilation.
#pragma once

#include "util/result.h"
#include "vulkan/device.h"
#include "vulkan/loader.h"
#include "vulkan/registry.h"

#include <array>
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
    Pipelines(const Device& device, std::string cachePath);
    ~Pipelines();
    Pipelines(const Pipelines&) = delete;
    Pipelines& operator=(const Pipelines&) = delete;

    Result<const Pipeline*> get(ShaderId id);
    // Rows per workgroup of mul_mat_vec (its specialization constant): 4 on GPUs, 16 on CPU devices.
    uint32_t matVecRows() const { return m_matVecRows; }
    // Rows per workgroup of mul_mat_vec_q8 (its specialization constant, as the workgroup size is).
    uint32_t q8Rows() const { return m_q8Rows; }
    uint32_t q8Workgroup() const { return m_q8Workgroup; }
    // Writes the cache file (when a path was given and something new was compiled).
    void saveCache();

private:
    const Device& m_device;
    std::string m_cachePath;
    VkPipelineCache m_cache = VK_NULL_HANDLE;
    bool m_dirty = false;
    uint32_t m_matVecRows = 4;
    uint32_t m_matVecFoldedDot = 1;
    uint32_t m_matVecWorkgroup = 64;
    uint32_t m_matVecUnrollRows = 1;
    uint32_t m_q8Rows = 4;
    uint32_t m_q8Workgroup = 64;
    std::array<Pipeline, kShaderCount> m_pipelines {};
};

} // namespace hearth::vk
