#include "vulkan/kernel_config.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace hearth::vk {

namespace {

std::optional<uint32_t> envNumber(const char* name)
{
    const char* value = std::getenv(name);
    if (!value || !*value) return std::nullopt;
    return uint32_t(std::strtoul(value, nullptr, 10));
}

bool isCpuDevice(const Device& device)
{
    return device.properties().deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
}

} // namespace

const MatVecShape& KernelConfig::matVecFor(TensorType type) const
{
    const auto it = matVecByType.find(type);
    return it == matVecByType.end() ? matVec : it->second;
}

bool takesCpuShaders(const Device& device, const KernelConfig& config)
{
    return isCpuDevice(device) && !config.gpuShaders;
}

KernelConfig defaultKernelConfig(const Device& device, bool gpuShaders)
{
    KernelConfig config;
    config.gpuShaders = gpuShaders;
    const bool cpuDevice = isCpuDevice(device);
    // Unrolled row loops keep a GPU's sums in registers; on a CPU device they cost seconds of compiling
    // per variant (mul_mat_vec_body.glsl) and no speed to leave rolled.
    config.matVecUnrollRows = !cpuDevice;
    if (takesCpuShaders(device, config)) {
        // A CPU device (lavapipe) pays a fixed cost per workgroup: give each more rows. On lavapipe one
        // split of attention measured fastest (1B decode at 130 tokens: 4.9 ms per layer, against 8.9
        // for two splits and 22 for eight).
        config.matVec.rows = 16;
        config.matVec.cpuShader = true;
        config.attentionSplits = 1;
        config.prefill = PrefillTile::Cpu;
    }
    return config;
}

void applyDeveloperOverrides(KernelConfig& config, const Device& device)
{
    if (auto v = envNumber("HEARTH_VK_MATVEC_ROWS")) {
        config.matVec.rows = std::max(1u, *v);
        config.matVecByType.clear();
    }
    if (auto v = envNumber("HEARTH_VK_MATVEC_WG")) {
        config.matVec.workgroup = std::clamp(*v / 32u * 32u, 32u, 256u);
        config.matVecByType.clear();
    }
    if (auto v = envNumber("HEARTH_VK_MATVEC_FOLDED")) config.matVecFoldedDot = *v != 0;
    if (auto v = envNumber("HEARTH_VK_MATVEC_UNROLL")) config.matVecUnrollRows = *v != 0;
    if (auto v = envNumber("HEARTH_VK_Q8_ROWS")) config.q8.rows = std::clamp(*v, 1u, 16u);
    if (auto v = envNumber("HEARTH_VK_Q8_WG")) config.q8.workgroup = std::clamp(*v / 32u * 32u, 32u, 512u);
    if (auto v = envNumber("HEARTH_VK_INT_DOT")) config.intDot = *v == 1 && device.features().intDot;
    if (auto v = envNumber("HEARTH_VK_MATMUL_TILE"); v && config.prefill != PrefillTile::Cpu)
        config.prefill = *v == 128 ? PrefillTile::Tile128 : PrefillTile::Tile64;
    if (auto v = envNumber("HEARTH_VK_MATMUL_MIN_TOKENS")) config.tiledMinTokens = std::max(1u, *v);
    if (auto v = envNumber("HEARTH_VK_CPU_MATMUL"); v && *v == 0 && config.prefill == PrefillTile::Cpu)
        config.prefill = PrefillTile::Tile64;
    if (auto v = envNumber("HEARTH_VK_CPU_MATVEC"); v && *v == 0) {
        config.matVec.cpuShader = false;
        for (auto& [type, shape] : config.matVecByType)
            shape.cpuShader = false;
    }
    if (auto v = envNumber("HEARTH_VK_ATTENTION_SPLITS")) config.attentionSplits = std::clamp(*v, 1u, 32u);
}

std::string describeKernelConfig(const KernelConfig& config)
{
    auto shape = [](const MatVecShape& s) {
        return std::to_string(s.rows) + "x" + std::to_string(s.workgroup) + (s.cpuShader ? " cpu" : "");
    };
    std::string out = "mat-vec " + shape(config.matVec);
    for (const auto& [type, s] : config.matVecByType)
        out += ", " + std::string(typeName(type)) + " " + shape(s);
    out += config.intDot ? ", int-dot on (q8 " + std::to_string(config.q8.rows) + "x"
            + std::to_string(config.q8.workgroup) + ")"
                         : ", int-dot off";
    out += ", attention splits " + std::to_string(config.attentionSplits);
    static constexpr const char* kTiles[] = { "tile64", "tile128", "cpu" };
    out += ", prefill " + std::string(kTiles[int(config.prefill)]);
    return out;
}

} // namespace hearth::vk
