// The lookup tables some weight types' shaders read — the IQ3_S grid, 512 points of four magnitudes —
// in one small device-local buffer, made and uploaded the first time a pipeline needs it and kept for
// the device's lifetime. A constant array indexed by a value in the shader would do the same, but
// lavapipe's LLVM compiles such a shader far too slowly on a cold shader cache (as in CI). Pipelines
// whose signature says `tables` (shaders/pipelines.cmake's HEARTH_TABLE_TYPES) read it as a uniform
// texel buffer at the binding after their own, which the Recorder binds: no call site passes it.
#pragma once

#include "util/result.h"
#include "vulkan/memory.h"

namespace hearth::vk {

class Pipelines;

class ShaderTables {
public:
    explicit ShaderTables(const Device& device)
        : m_device(device)
        , m_allocator(device)
    {
    }
    ~ShaderTables();
    ShaderTables(const ShaderTables&) = delete;
    ShaderTables& operator=(const ShaderTables&) = delete;

    // The tables, uploaded on the first call (a submit of their own, waited on; `pipelines` records it).
    Result<BufferRef> get(Pipelines& pipelines);

private:
    const Device& m_device;
    Allocator m_allocator;
    Buffer m_buffer;
};

} // namespace hearth::vk
