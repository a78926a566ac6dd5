#include "vulkan/pipeline.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

namespace hearth::vk {

Pipelines::Pipelines(const Device& device, std::string cachePath)
    : m_device(device)
    , m_cachePath(std::move(cachePath))
{
    // A CPU device (lavapipe) pays a fixed cost per workgroup: give each more rows.
    const bool cpuDevice = device.properties().deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    m_matVecRows = cpuDevice ? 16 : 4;
    // Unrolled row loops keep a GPU's sums in registers; on a CPU device they cost seconds of compiling
    // per variant (mul_mat_vec_body.glsl) and no speed to leave rolled.
    m_matVecUnrollRows = cpuDevice ? 0 : 1;
    if (const char* env = std::getenv("HEARTH_VK_MATVEC_UNROLL"))
        m_matVecUnrollRows = std::strtoul(env, nullptr, 10) != 0 ? 1u : 0u;
    if (const char* env = std::getenv("HEARTH_VK_MATVEC_ROWS"))
        m_matVecRows = uint32_t(std::strtoul(env, nullptr, 10));
    // HEARTH_VK_MATVEC_FOLDED=0: dequantize every weight before the dot product (for measuring).
    if (const char* env = std::getenv("HEARTH_VK_MATVEC_FOLDED"))
        m_matVecFoldedDot = std::strtoul(env, nullptr, 10) != 0 ? 1u : 0u;
    // HEARTH_VK_MATVEC_WG: threads per mat-vec workgroup (for measuring; a multiple of 32 up to 256).
    if (const char* env = std::getenv("HEARTH_VK_MATVEC_WG"))
        m_matVecWorkgroup = std::clamp(uint32_t(std::strtoul(env, nullptr, 10)) / 32u * 32u, 32u, 256u);
    // mul_mat_vec_q8's rows per workgroup and threads per workgroup (HEARTH_VK_Q8_ROWS, HEARTH_VK_Q8_WG:
    // for sweeping them on a GPU; the defaults are unmeasured guesses). The workgroup is a multiple of
    // 32 from 32 to 512 and computes 1 to 16 rows.
    if (const char* env = std::getenv("HEARTH_VK_Q8_ROWS"))
        m_q8Rows = std::clamp(uint32_t(std::strtoul(env, nullptr, 10)), 1u, 16u);
    if (const char* env = std::getenv("HEARTH_VK_Q8_WG"))
        m_q8Workgroup = std::clamp(uint32_t(std::strtoul(env, nullptr, 10)) / 32u * 32u, 32u, 512u);
    // A cache file from another driver or device is rejected by the driver's header check, so a
    // stale file only costs a recompile.
    std::vector<char> data;
    if (!m_cachePath.empty()) {
        std::ifstream in(m_cachePath, std::ios::binary);
        if (in) data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    VkPipelineCacheCreateInfo info { VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO };
    info.initialDataSize = data.size();
    info.pInitialData = data.empty() ? nullptr : data.data();
    if (vkCreatePipelineCache(m_device.handle(), &info, nullptr, &m_cache) != VK_SUCCESS) {
        info.initialDataSize = 0;
        info.pInitialData = nullptr;
        vkCreatePipelineCache(m_device.handle(), &info, nullptr, &m_cache);
    }
}

Pipelines::~Pipelines()
{
    saveCache();
    for (Pipeline& p : m_pipelines) {
        if (p.pipeline) vkDestroyPipeline(m_device.handle(), p.pipeline, nullptr);
        if (p.layout) vkDestroyPipelineLayout(m_device.handle(), p.layout, nullptr);
        if (p.setLayout) vkDestroyDescriptorSetLayout(m_device.handle(), p.setLayout, nullptr);
    }
    if (m_cache) vkDestroyPipelineCache(m_device.handle(), m_cache, nullptr);
}

void Pipelines::saveCache()
{
    if (m_cachePath.empty() || !m_dirty || !m_cache) return;
    size_t size = 0;
    if (vkGetPipelineCacheData(m_device.handle(), m_cache, &size, nullptr) != VK_SUCCESS || size == 0) return;
    std::vector<char> data(size);
    if (vkGetPipelineCacheData(m_device.handle(), m_cache, &size, data.data()) != VK_SUCCESS) return;
    // Write beside, then rename: a crash mid-write never leaves a truncated cache.
    const std::string tmp = m_cachePath + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return;
        out.write(data.data(), std::streamsize(size));
    }
    std::rename(tmp.c_str(), m_cachePath.c_str());
    m_dirty = false;
}

Result<const Pipeline*> Pipelines::get(ShaderId id)
{
    Pipeline& p = m_pipelines[uint32_t(id)];
    if (p.pipeline) return &p;
    const PipelineInfo& variant = pipelineInfo(id);
    const std::string name(variant.name);
    p.signature = variant.signature;

    // Layout: `bindings` storage buffers (or texel buffers, by texelMask) at 0..n-1, one push-constant range.
    std::vector<VkDescriptorSetLayoutBinding> bindings(p.signature.bindings);
    for (uint32_t i = 0; i < p.signature.bindings; ++i) {
        bindings[i].binding = i;
        bindings[i].descriptorType = (p.signature.texelMask >> i) & 1u
            ? VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER
            : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        bindings[i].descriptorCount = 1;
        bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo setInfo { VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO };
    setInfo.bindingCount = uint32_t(bindings.size());
    setInfo.pBindings = bindings.data();
    VkResult vr = vkCreateDescriptorSetLayout(m_device.handle(), &setInfo, nullptr, &p.setLayout);
    if (vr != VK_SUCCESS) return vulkanError(vr, "descriptor set layout for " + name);
    VkPushConstantRange range { VK_SHADER_STAGE_COMPUTE_BIT, 0, p.signature.pushBytes };
    VkPipelineLayoutCreateInfo layoutInfo { VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO };
    layoutInfo.setLayoutCount = 1;
    layoutInfo.pSetLayouts = &p.setLayout;
    layoutInfo.pushConstantRangeCount = 1;
    layoutInfo.pPushConstantRanges = &range;
    vr = vkCreatePipelineLayout(m_device.handle(), &layoutInfo, nullptr, &p.layout);
    if (vr != VK_SUCCESS) return vulkanError(vr, "pipeline layout for " + name);

    const auto spirv = shaderSpirv(id);
    VkShaderModuleCreateInfo moduleInfo { VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO };
    moduleInfo.codeSize = spirv.size() * sizeof(uint32_t);
    moduleInfo.pCode = spirv.data();
    VkShaderModule module = VK_NULL_HANDLE;
    vr = vkCreateShaderModule(m_device.handle(), &moduleInfo, nullptr, &module);
    if (vr != VK_SUCCESS) return vulkanError(vr, "shader module " + name);
    VkComputePipelineCreateInfo info { VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO };
    info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = module;
    info.stage.pName = "main";
    // mul_mat_vec's specialization constants: rows per workgroup, folded dot products, workgroup size,
    // unrolled row loops.
    const uint32_t matVecConstants[4]
        = { m_matVecRows, m_matVecFoldedDot, m_matVecWorkgroup, m_matVecUnrollRows };
    const VkSpecializationMapEntry entries[4]
        = { { 0, 0, sizeof(uint32_t) }, { 1, sizeof(uint32_t), sizeof(uint32_t) },
              { 2, 2 * sizeof(uint32_t), sizeof(uint32_t) }, { 3, 3 * sizeof(uint32_t), sizeof(uint32_t) } };
    const VkSpecializationInfo spec { 4, entries, sizeof(matVecConstants), matVecConstants };
    // mul_mat_vec_q8's: rows per workgroup, workgroup size.
    const uint32_t q8Constants[2] = { m_q8Rows, m_q8Workgroup };
    const VkSpecializationInfo q8Spec { 2, entries, sizeof(q8Constants), q8Constants };
    switch (variant.spec) {
    case SpecConstants::None:
        break;
    case SpecConstants::MatVec:
        info.stage.pSpecializationInfo = &spec;
        break;
    case SpecConstants::Q8:
        info.stage.pSpecializationInfo = &q8Spec;
        break;
    }
    info.layout = p.layout;
    vr = vkCreateComputePipelines(m_device.handle(), m_cache, 1, &info, nullptr, &p.pipeline);
    vkDestroyShaderModule(m_device.handle(), module, nullptr);
    if (vr != VK_SUCCESS) return vulkanError(vr, "compute pipeline " + name);
    m_dirty = true;
    return &p;
}

} // namespace hearth::vk
