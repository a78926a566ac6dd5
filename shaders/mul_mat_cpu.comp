#version 450
// Batched matrix product (prefill) for CPU devices: y[t][yOffset + r] (+)= dot(W[r], x[t]).
// lavapipe runs a workgroup's invocations as the 8 SIMD lanes of one core and turns every buffer load
// into a loop over the lanes (~25 cycles per lane and 32-bit component, whatever the address), while
// arithmetic is cheap. So the shape minimises loads per multiply-add:
//  - a lane is a row: its weights are its own (every lane of a load is useful, dequantization is not
//    repeated), and each unit of 32 weights is loaded once for TOKENS tokens;
//  - the TOKENS x CHUNK activations are loaded once per chunk into registers (the same for every lane)
//    and reused for all the rows of the workgroup, which loops over its rows 8 at a time;
//  - a quantized row's chunk (4 units) is loaded once, as whole aligned words, into registers and each
//    unit decoded from there (mul_mat_cpu_chunk.glsl): per chunk and 8 rows, 10 64-bit loads for Q4_K
//    where dequantUnit's word-by-word reads (the block head re-read per unit) took ~48;
//  - y is accumulated in memory, chunk by chunk, since a running sum per (row, token) cannot stay in
//    registers across the row loop.
// Registers hold TOKENS x CHUNK activations (1024 floats). Measured with hearth-vk-opbench on Q4_0
// 2048 x 2048 x 128 tokens (GFLOP per CPU-second): 8 x 128: 4.3, 16 x 128: 5.3, 16 x 64: 3.6,
// 8 x 64: 3.9; but lavapipe's LLVM compile time grows faster than the body: ~10 s per type at
// 8 x 128, ~50 s at 16 x 128. Loading whole chunks took 2048 x 2048 x 128 from 2.7 to 5.8 (Q4_K),
// 2.2 to 4.7-5.3 (Q5_K, Q6_K), 3.1-3.8 to 4.7-5.5 (Q8_0); Q4_0 (6.3, loaded so already) is
// unchanged, and a Q4_K variant compiles in ~4 s instead of ~6. Needs cols % CHUNK == 0
// (recordProduct checks).
#extension GL_EXT_control_flow_attributes : require
#ifdef LOADS64
#extension GL_ARB_gpu_shader_int64 : require
#endif

#define TOKENS 8        // tokens per workgroup (kMatMulCpuTokens in products.cpp)
#define CHUNK_UNITS 4u  // 32-element units per activation chunk (kMatMulCpuChunk = 128 elements)
layout(local_size_x = 8) in;

layout(std430, binding = 0) readonly buffer Weights { uint weights[]; };
layout(std430, binding = 1) readonly buffer X { vec4 x[]; };
#ifdef LOADS64
// The same buffers read 64 bits per component where the device has 64-bit integers: lavapipe's cost
// is per loaded component, so this halves the activation loads and (Q4_0) the weight loads.
layout(std430, binding = 0) readonly buffer Weights64 { uint64_t weights64[]; };
layout(std430, binding = 1) readonly buffer X64 { u64vec2 x64[]; };
#endif
layout(std430, binding = 2) buffer Y { float y[]; };

layout(push_constant) uniform Push {
    uint rows;        // M
    uint cols;        // K, a multiple of the chunk
    uint tokens;      // T
    uint xOffset;     // floats, a multiple of 4
    uint xStride;     // floats between tokens, a multiple of 4
    uint yOffset;
    uint yStride;
    uint accumulate;  // 1: y += result
} p;

#define WEIGHTS weights
#include "dequant.glsl"
#include "dequant_unit.glsl"

#include "mul_mat_cpu_chunk.glsl"

void main()
{
    const uint lane = gl_LocalInvocationID.x;
    const uint token0 = gl_WorkGroupID.y * TOKENS;
    // The rows are split evenly (in groups of 8) over the workgroups along x.
    const uint splits = gl_NumWorkGroups.x;
    const uint rowsPerSplit = ((p.rows + splits - 1u) / splits + 7u) & ~7u;
    const uint rowBegin = gl_WorkGroupID.x * rowsPerSplit;
    const uint rowEnd = min(rowBegin + rowsPerSplit, p.rows);
    const uint rowBytes = (p.cols / BLOCK_ELEMS) * BLOCK_BYTES;
    const uint chunks = p.cols / (32u * CHUNK_UNITS);

    // Tokens past the batch repeat the last one (and are not stored), so every lane loads in bounds.
    uint xBase[TOKENS];
    [[unroll]] for (uint t = 0u; t < TOKENS; ++t)
        xBase[t] = (p.xOffset + min(token0 + t, p.tokens - 1u) * p.xStride) / 4u;

    for (uint c = 0u; c < chunks; ++c) {
        vec4 xc[TOKENS][8u * CHUNK_UNITS];
        [[unroll]] for (uint t = 0u; t < TOKENS; ++t)
            [[unroll]] for (uint i = 0u; i < 8u * CHUNK_UNITS; ++i)
#ifdef LOADS64
            {
                const u64vec2 v = x64[xBase[t] + 8u * CHUNK_UNITS * c + i];
                xc[t][i] = uintBitsToFloat(uvec4(unpackUint2x32(v.x), unpackUint2x32(v.y)));
            }
#else
                xc[t][i] = x[xBase[t] + 8u * CHUNK_UNITS * c + i];
#endif
        const bool overwrite = c == 0u && p.accumulate == 0u;

        for (uint group = rowBegin; group < rowEnd; group += 8u) {
            const uint row = min(group + lane, p.rows - 1u);
            float part[TOKENS];
            [[unroll]] for (uint t = 0u; t < TOKENS; ++t)
                part[t] = 0.0;
#ifdef CHUNK_LOADS
            Chunk k;
            loadChunk(row * rowBytes, c, k);
#endif
            [[unroll]] for (uint u = 0u; u < CHUNK_UNITS; ++u) {
                vec4 w[8];
#ifdef CHUNK_LOADS
                chunkUnit(k, u, w);
#else
                dequantUnit(row * rowBytes, CHUNK_UNITS * c + u, w);
#endif
                [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
                    vec4 s = w[0] * xc[t][8u * u];
                    [[unroll]] for (uint i = 1u; i < 8u; ++i)
                        s += w[i] * xc[t][8u * u + i];
                    part[t] += (s.x + s.y) + (s.z + s.w);
                }
            }
            if (group + lane < rowEnd) {
                [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
                    if (token0 + t < p.tokens) {
                        const uint yi = p.yOffset + (token0 + t) * p.yStride + group + lane;
                        y[yi] = overwrite ? part[t] : y[yi] + part[t];
                    }
                }
            }
        }
    }
}
