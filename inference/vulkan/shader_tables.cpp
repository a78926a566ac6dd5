#include "vulkan/shader_tables.h"

#include "quant/iq_tables.h"
#include "vulkan/commands.h"
#include "vulkan/memory_estimate.h"

#include <cstring>

namespace hearth::vk {

ShaderTables::~ShaderTables()
{
    m_allocator.destroy(m_buffer);
}

Result<BufferRef> ShaderTables::get(Pipelines& pipelines)
{
    if (m_buffer.buffer) return whole(m_buffer);
    // 2 KiB: 128 texels of 16 bytes, as dequant/iq3_s.glsl fetches them.
    constexpr uint64_t kBytes = sizeof(kIq3sGrid);
    static_assert(kBytes % kTexelBytes == 0 && kBytes == kShaderTableBytes);
    auto staging = m_allocator.create(kBytes, MemoryKind::Upload, "shader tables staging");
    if (!staging) return staging.error();
    std::memcpy(staging->mapped, kIq3sGrid, kBytes);
    auto table = m_allocator.create(kBytes, MemoryKind::DeviceLocal, "shader tables");
    if (!table) {
        m_allocator.destroy(*staging);
        return table.error();
    }
    DescriptorCache noDescriptors(m_device); // a copy binds none
    Recorder recorder(m_device, pipelines, noDescriptors);
    Status status = recorder.begin();
    if (status.ok()) {
        recorder.copy(whole(*staging), whole(*table));
        status = recorder.submitAndWait();
    }
    m_allocator.destroy(*staging);
    if (!status.ok()) {
        m_allocator.destroy(*table);
        return status.error();
    }
    m_buffer = *table;
    return whole(m_buffer);
}

} // namespace hearth::vk
