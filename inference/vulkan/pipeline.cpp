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
    , m_tables(device)
{
    m_config = defaultKernelConfig(device);
    applyDeveloperOverrides(m_config, device);
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
    for (auto& [key, p] : m_variants) {
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

void Pipelines::setConfig(const KernelConfig& config)
{
    m_config = config;
    m_current.fill(nullptr);
}

namespace {

// The specialization constants of `variant` under `config` (zeros for a shader that takes none).
std::array<uint32_t, 4> specValues(const PipelineInfo& variant, const KernelConfig& config)
{
    switch (variant.spec) {
    case SpecConstants::None:
        break;
    case SpecConstants::MatVec: {
        // rows per workgroup, folded dot products, workgroup size, unrolled row loops
        const MatVecShape& shape = variant.type ? config.matVecFor(*variant.type) : config.matVec;
        return { shape.rows, config.matVecFoldedDot ? 1u : 0u, shape.workgroup,
            config.matVecUnrollRows ? 1u : 0u };
    }
    case SpecConstants::Q8: // rows per workgroup, workgroup size
        return { config.q8.rows, config.q8.workgroup, 0, 0 };
    }
    return {};
}

} // namespace

Result<const Pipeline*> Pipelines::get(ShaderId id)
{
    if (const Pipeline* current = m_current[uint32_t(id)]) return current;
    const PipelineInfo& variant = pipelineInfo(id);
    const std::array<uint32_t, 4> constants = specValues(variant, m_config);
    auto [it, made] = m_variants.try_emplace({ id, constants });
    Pipeline& p = it->second;
    if (!made && p.pipeline) return m_current[uint32_t(id)] = &p;
    const std::string name(variant.name);
    p.signature = variant.signature;

    // Layout: `bindings` storage buffers (or texel buffers, by texelMask) at 0..n-1, then the shader
    // tables' texel buffer at n where the variant reads them; one push-constant range.
    std::vector<VkDescriptorSetLayoutBinding> bindings(p.signature.bindings + (p.signature.tables ? 1 : 0));
    for (uint32_t i = 0; i < bindings.size(); ++i) {
        bindings[i].binding = i;
        bindings[i].descriptorType = (p.signature.texelMask >> i) & 1u || i == p.signature.bindings
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
    const VkSpecializationMapEntry entries[4]
        = { { 0, 0, sizeof(uint32_t) }, { 1, sizeof(uint32_t), sizeof(uint32_t) },
              { 2, 2 * sizeof(uint32_t), sizeof(uint32_t) }, { 3, 3 * sizeof(uint32_t), sizeof(uint32_t) } };
    const uint32_t entryCount = variant.spec == SpecConstants::MatVec ? 4 : 2;
    const VkSpecializationInfo spec { entryCount, entries, entryCount * sizeof(uint32_t), constants.data() };
    if (variant.spec != SpecConstants::None) info.stage.pSpecializationInfo = &spec;
    info.layout = p.layout;
    vr = vkCreateComputePipelines(m_device.handle(), m_cache, 1, &info, nullptr, &p.pipeline);
    vkDestroyShaderModule(m_device.handle(), module, nullptr);
    if (vr != VK_SUCCESS) return vulkanError(vr, "compute pipeline " + name);
    m_dirty = true;
    return m_current[uint32_t(id)] = &p;
}

} // namespace hearth::vk
