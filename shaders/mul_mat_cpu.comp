#version 450
// Batched matrix product (prefill) for CPU devices: y[t][yOffset + r] (+)= dot(W[r], x[t]).
// lavapipe runs a workgroup's invocations as the 8 SIMD lanes of one core and turns every storage-buffer
// load into a loop over the lanes (~25 cycles per lane and 32-bit component, whatever the address),
// while arithmetic is cheap; texel fetches are gathered without that loop. So the shape minimises loads
// per multiply-add, and the weights, nearly all the loads, are read as texels:
//  - a lane is a row: its weights are its own (every lane of a load is useful, dequantization is not
//    repeated), and each unit of 32 weights is loaded once for TOKENS tokens;
//  - the TOKENS x CHUNK activations are loaded once per chunk into registers (the same for every lane)
//    and reused for all the rows of the workgroup, which loops over its rows 8 at a time;
//  - a row's chunk (4 units) is fetched once, as the 16-byte texels that cover it, into registers and
//    each unit decoded from there (dequant.glsl's chunks): per chunk and 8 rows, 5 fetches for Q4_K
//    where dequantUnit's word-by-word reads (the block head re-read per unit) took ~48 loads;
//  - y is accumulated in memory, chunk by chunk, since a running sum per (row, token) cannot stay in
//    registers across the row loop.
// Registers hold TOKENS x CHUNK activations (1024 floats). Measured with hearth-vk-opbench on Q4_0
// 2048 x 2048 x 128 tokens (GFLOP per CPU-second): 8 x 128: 4.3, 16 x 128: 5.3, 16 x 64: 3.6,
// 8 x 64: 3.9; but lavapipe's LLVM compile time grows faster than the body: ~10 s per type at
// 8 x 128, ~50 s at 16 x 128. Loading whole chunks took 2048 x 2048 x 128 from 2.7 to 5.8 (Q4_K),
// 2.2 to 4.7-5.3 (Q5_K, Q6_K), 3.1-3.8 to 4.7-5.5 (Q8_0); Q4_0 (6.3, loaded so already) is
// unchanged, and a Q4_K variant compiles in ~4 s instead of ~6. Texel fetches instead of 64-bit
// storage loads took 2048 x 2048 x 128 from 5.3 to 5.6 (Q4_0), 5.2 to 6.1-7.2 (Q4_K, Q6_K),
// 4.3 to 5.1 (Q8_0), and F16, which had no chunk loads before, from 2.3 to 4.4. Needs
// cols % CHUNK == 0 (recordCpuMatMul checks).
#extension GL_EXT_control_flow_attributes : require

#define TOKENS 8        // tokens per workgroup (kMatMulCpuTokens in products.cpp)
#define CHUNK_UNITS 4u  // 32-element units per activation chunk (kMatMulCpuChunk = 128 elements)
layout(local_size_x = 8) in;

// The weights as 16-byte texels (a VK_FORMAT_R32G32B32A32_UINT view).
layout(binding = 0) uniform usamplerBuffer weights;
layout(std430, binding = 1) readonly buffer X { vec4 x[]; };
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

#define DEQUANT_CHUNKS
#include "dequant.glsl"

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
                xc[t][i] = x[xBase[t] + 8u * CHUNK_UNITS * c + i];
        const bool overwrite = c == 0u && p.accumulate == 0u;

        for (uint group = rowBegin; group < rowEnd; group += 8u) {
            const uint row = min(group + lane, p.rows - 1u);
            float part[TOKENS];
            [[unroll]] for (uint t = 0u; t < TOKENS; ++t)
                part[t] = 0.0;
            Chunk k;
            loadChunk(row * rowBytes, c, k);
            [[unroll]] for (uint u = 0u; u < CHUNK_UNITS; ++u) {
                vec4 w[8];
                chunkUnit(k, u, w);
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
