#include "vulkan/profiler.h"

#include <algorithm>
#include <cstdio>

namespace hearth::vk {

GpuProfiler::GpuProfiler(const Device& device)
    : m_device(device)
{
    uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(device.physical(), &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(device.physical(), &count, families.data());
    if (device.queueFamily() >= count || families[device.queueFamily()].timestampValidBits == 0
        || device.properties().limits.timestampPeriod <= 0)
        return;
    m_nsPerTick = device.properties().limits.timestampPeriod;
    VkQueryPoolCreateInfo info { VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO };
    info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    info.queryCount = kCapacity;
    if (vkCreateQueryPool(device.handle(), &info, nullptr, &m_pool) != VK_SUCCESS) m_pool = VK_NULL_HANDLE;
}

GpuProfiler::~GpuProfiler()
{
    if (m_pool) vkDestroyQueryPool(m_device.handle(), m_pool, nullptr);
}

void GpuProfiler::begin(VkCommandBuffer cmd)
{
    m_began = std::chrono::steady_clock::now();
    m_names.clear();
    if (!m_pool) return;
    vkCmdResetQueryPool(cmd, m_pool, 0, kCapacity);
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, m_pool, 0);
}

void GpuProfiler::mark(VkCommandBuffer cmd, const std::string& name)
{
    if (!m_pool || m_names.size() + 1 >= kCapacity) return;
    m_names.push_back(name);
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, m_pool, uint32_t(m_names.size()));
}

void GpuProfiler::submitted()
{
    m_submitted = std::chrono::steady_clock::now();
}

void GpuProfiler::collect()
{
    const auto now = std::chrono::steady_clock::now();
    m_recordSeconds += std::chrono::duration<double>(m_submitted - m_began).count();
    m_waitSeconds += std::chrono::duration<double>(now - m_submitted).count();
    ++m_submits;
    if (!m_pool || m_names.empty()) return;
    std::vector<uint64_t> ticks(m_names.size() + 1);
    if (vkGetQueryPoolResults(m_device.handle(), m_pool, 0, uint32_t(ticks.size()),
            ticks.size() * sizeof(uint64_t), ticks.data(), sizeof(uint64_t),
            VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT)
        != VK_SUCCESS)
        return;
    for (size_t i = 0; i < m_names.size(); ++i) {
        Entry& e = m_totals[m_names[i]];
        e.dispatches += 1;
        e.seconds += double(ticks[i + 1] - ticks[i]) * m_nsPerTick * 1e-9;
    }
}

std::string GpuProfiler::table() const
{
    std::vector<std::pair<std::string, Entry>> rows(m_totals.begin(), m_totals.end());
    std::sort(rows.begin(), rows.end(),
        [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
    double total = 0;
    for (const auto& r : rows)
        total += r.second.seconds;
    std::string out = "| shader | dispatches | GPU ms | us per dispatch | share |\n|---|---|---|---|---|\n";
    char line[256];
    for (const auto& [name, e] : rows) {
        std::snprintf(line, sizeof line, "| %s | %llu | %.2f | %.1f | %.1f%% |\n", name.c_str(),
            static_cast<unsigned long long>(e.dispatches), e.seconds * 1e3,
            e.seconds * 1e6 / double(std::max<uint64_t>(e.dispatches, 1)),
            total > 0 ? 100.0 * e.seconds / total : 0.0);
        out += line;
    }
    std::snprintf(line, sizeof line, "| total | | %.2f | | |\n", total * 1e3);
    out += line;
    if (m_submits > 0) {
        std::snprintf(line, sizeof line,
            "host, per submit: %.1f us recording, %.1f us from submit to fence (%llu submits)\n",
            m_recordSeconds * 1e6 / double(m_submits), m_waitSeconds * 1e6 / double(m_submits),
            static_cast<unsigned long long>(m_submits));
        out += line;
    }
    return out;
}

} // namespace hearth::vk
