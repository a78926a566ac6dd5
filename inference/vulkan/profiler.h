// GPU time per shader: a timestamp after every dispatch of a command buffer, the differences summed
// by shader name. For the benchmark tools (HEARTH_VK_PROFILE=1); the forward pass never needs it.
#pragma once

#include "vulkan/device.h"
#include "vulkan/loader.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace hearth::vk {

class GpuProfiler {
public:
    // Null-equivalent (enabled() false) when the queue has no timestamps.
    explicit GpuProfiler(const Device& device);
    ~GpuProfiler();
    GpuProfiler(const GpuProfiler&) = delete;
    GpuProfiler& operator=(const GpuProfiler&) = delete;

    bool enabled() const { return m_pool != VK_NULL_HANDLE; }
    // Recording: begin() after vkBeginCommandBuffer, mark() after each dispatch.
    void begin(VkCommandBuffer cmd);
    void mark(VkCommandBuffer cmd, const std::string& name);
    // A recorded command buffer submitted again (its timestamps and names stand).
    void restart() { m_began = std::chrono::steady_clock::now(); }
    // Just before vkQueueSubmit (ends the host's recording time).
    void submitted();
    // After the fence: adds this command buffer's times to the totals.
    void collect();

    struct Entry {
        uint64_t dispatches = 0;
        double seconds = 0;
    };
    const std::map<std::string, Entry>& totals() const { return m_totals; }
    void reset()
    {
        m_totals.clear();
        m_recordSeconds = m_waitSeconds = 0;
        m_submits = 0;
    }
    // The totals as a Markdown table, largest first, with each shader's share.
    std::string table() const;

private:
    static constexpr uint32_t kCapacity = 8192;
    const Device& m_device;
    VkQueryPool m_pool = VK_NULL_HANDLE;
    double m_nsPerTick = 1.0;
    std::vector<std::string> m_names; // of the dispatch ending at timestamp i + 1
    std::map<std::string, Entry> m_totals;
    // Host side: time spent recording, and from submit to the fence, over `m_submits` submits.
    std::chrono::steady_clock::time_point m_began, m_submitted;
    double m_recordSeconds = 0;
    double m_waitSeconds = 0;
    uint64_t m_submits = 0;
};

} // namespace hearth::vk
