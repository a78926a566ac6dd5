// What a pipeline binds: its binding count, push-constant bytes, the bindings it writes and those read
// as texel buffers, whether it reads the shader tables, and its specialization constants. Every
// variant's is declared in shaders/pipelines.cmake (pipeline_ids.h); dispatch() checks each call
// against it.
#pragma once

#include <cstdint>

namespace hearth::vk {

struct PipelineSignature {
    uint32_t bindings = 0;
    uint32_t pushBytes = 0;
    uint32_t writeMask = 0; // bindings the shader writes (for barrier tracking)
    // Bindings read as uniform texel buffers of 16-byte texels (uvec4) rather than as storage buffers.
    uint32_t texelMask = 0;
    // One binding more, after these: the shader tables (shader_tables.h), bound by the Recorder.
    bool tables = false;
};

// Bytes per texel of a texel-buffer binding.
constexpr uint64_t kTexelBytes = 16;

// The specialization constants a pipeline takes (Pipelines::get fills them in for the device).
enum class SpecConstants : uint32_t {
    None,
    MatVec, // mul_mat_vec*: rows per workgroup, folded dot products, workgroup size
    Q8, // mul_mat_vec_q8*: rows per workgroup, workgroup size
};

} // namespace hearth::vk
