#version 450
// Mat-vec (decode) for CPU devices: y[t][yOffset + r] (+)= dot(W[r], x[t]), shaped for lavapipe, which
// runs a workgroup's invocations as the SIMD lanes of one core and turns every storage-buffer load
// whose address differs per lane into a loop over the lanes, inserting each lane's value through the
// stack (a stalled store-to-load forward per lane): the cost is per load instruction, not per byte.
// Texel fetches take another road, the sampler's gather, with no loop and no stall, so the weights are
// read as 16-byte texels of a uniform texel buffer (2-5x faster than 32-byte storage loads, for every
// type). A workgroup is one subgroup of 8 lanes, each lane computes LANE_DOTS whole rows
// (dequant.glsl's runs), and each run of activations is loaded once per workgroup, an eighth by each
// lane, and shared by broadcast. Needs rows of whole runs, 16-byte aligned (recordCpuMatVec checks).
// With SWIGLU the matrix holds gate rows then up rows (pairOffset apart) and y = silu(gate) * up.
#extension GL_KHR_shader_subgroup_ballot : require
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x = 8) in;

// Weights as 16-byte words (a VK_FORMAT_R32G32B32A32_UINT view).
layout(binding = 0) uniform usamplerBuffer weights;
layout(std430, binding = 1) readonly buffer X { vec4 x[]; };
layout(std430, binding = 2) buffer Y { float y[]; };

// cols is a multiple of RUN_ELEMS; xOffset and xStride are floats, multiples of 4.
layout(push_constant) uniform Push {
#include "mat_vec_push.glsl"
} p;

uvec4 weightWord(uint i) { return texelFetch(weights, int(i)); }
#define DEQUANT_RUNS
#include "dequant.glsl"

// Dots per lane (rows, or gate and up rows with SWIGLU), 8 * LANE_DOTS per workgroup: more share each
// activation run and measured faster up to 32 (Q4_0 2048 x 8192: 8 -> 28 ms, 16 -> 23, 32 -> 16), and
// to 64 for Q6_K, whose 2048-element runs cost more to load and broadcast (32768 x 2048: 138 -> 120 ms).
// products_cpu.cpp's laneDots() mirrors this.
#ifndef LANE_DOTS
#if defined(TYPE_Q6_K)
#define LANE_DOTS 64u
#else
#define LANE_DOTS 32u
#endif
#endif
#ifdef SWIGLU
#define DOTS 2u
#else
#define DOTS 1u
#endif
#define LANE_ROWS (LANE_DOTS / DOTS)

// The CHUNK_ELEMS activations of a chunk at vec4 `base`, the same for every lane: each lane loads every
// eighth vec4 (an eighth of the load instructions) and the subgroup broadcasts them (a register move
// on lavapipe).
void loadChunkX(uint base)
{
    vec4 mine[CHUNK_ELEMS / 32u];
    [[unroll]] for (uint i = 0u; i < CHUNK_ELEMS / 32u; ++i)
        mine[i] = x[base + 8u * i + gl_SubgroupInvocationID];
    [[unroll]] for (uint i = 0u; i < CHUNK_ELEMS / 16u; ++i) {
        [[unroll]] for (uint j = 0u; j < 4u; ++j)
            xs[4u * i + j] = subgroupBroadcast(mine[(4u * i + j) / 8u], (4u * i + j) % 8u);
        const vec4 s = xs[4u * i] + xs[4u * i + 1u] + xs[4u * i + 2u] + xs[4u * i + 3u];
        xsum[i] = s.x + s.y + s.z + s.w;
    }
}

void main()
{
    const uint lane = gl_SubgroupInvocationID;
    const uint runs = p.cols / RUN_ELEMS;
    const uint row0 = (gl_WorkGroupID.x * 8u + lane) * LANE_ROWS;
    const uint token = gl_WorkGroupID.y;
    const uint xBase = (p.xOffset + token * p.xStride) / 4u;

    // First word of each dot's row (rows past the end repeat the last: computed, never stored).
    uint rowWord[LANE_DOTS];
    [[unroll]] for (uint r = 0u; r < LANE_ROWS; ++r) {
        const uint row = min(row0 + r, p.rows - 1u);
        rowWord[r * DOTS] = row * runs * RUN_VEC4;
#ifdef SWIGLU
        rowWord[r * DOTS + 1u] = (row + p.pairOffset) * runs * RUN_VEC4;
#endif
    }

    float acc[LANE_DOTS];
    [[unroll]] for (uint i = 0u; i < LANE_DOTS; ++i)
        acc[i] = 0.0;
    for (uint u = 0u; u < runs; ++u) {
        [[dont_unroll]] for (uint c = 0u; c < RUN_CHUNKS; ++c) {
            loadChunkX(xBase + u * (RUN_ELEMS / 4u) + (CHUNK_ELEMS / 4u) * c);
            // A real loop: unrolled over the dots, the shader grows past what glslc and LLVM handle.
            [[dont_unroll]] for (uint i = 0u; i < LANE_DOTS; ++i)
                acc[i] += chunkDot(rowWord[i] + u * RUN_VEC4, c);
        }
    }

    [[unroll]] for (uint r = 0u; r < LANE_ROWS; ++r) {
        const uint row = row0 + r;
        if (row < p.rows) {
#ifdef SWIGLU
            const float g = acc[r * DOTS];
            const float value = g / (1.0 + exp(-g)) * acc[r * DOTS + 1u];
#else
            const float value = acc[r];
#endif
            const uint yi = p.yOffset + token * p.yStride + row;
            y[yi] = p.accumulate != 0u ? y[yi] + value : value;
        }
    }
}
