// The decode matrix-vector product on packed integer dot products: y[t][yOffset + r] (+)= W[r] . x[t]
// with x[t] already quantized to int8 units (q8_activations.glsl, written by quantize_q8); the weight
// side of each type is its format's DEQUANT_Q8 form (dequant.glsl). Bindings: weights, q8 activations, y.
// One workgroup computes ROWS rows for one token; its WG threads stride over the row's chunks (64
// weights for the K-quants, 32 for Q4_0 / Q8_0), load each chunk's activations once for all ROWS
// rows, then a subgroup + shared-memory reduction. The weights are read with the widest loads their
// alignment allows (uvec4 for Q4_K / Q5_K). ROWS and WG are specialization constants for tuning
// (HEARTH_VK_Q8_ROWS, HEARTH_VK_Q8_WG).
// With SWIGLU the matrix holds gate rows then up rows (pairOffset apart) and y = silu(gate) * up.
// With ROPE_STORE (the q|k|v product) rows are rows of q|k|v, rotated and stored as rope_store does
// (rope_store_rows.glsl).
#extension GL_KHR_shader_subgroup_arithmetic : require

layout(constant_id = 0) const uint ROWS = 4;
layout(constant_id = 1) const uint WG = 64;
layout(local_size_x_id = 1) in;

layout(std430, binding = 0) readonly buffer Weights { uint weights[]; };
layout(std430, binding = 0) readonly buffer Weights4 { uvec4 weights4[]; };
layout(std430, binding = 1) readonly buffer Q { uvec4 q[]; };
layout(std430, binding = 1) readonly buffer QPairs { vec2 qPairs[]; };
layout(std430, binding = 2) buffer Y { float y[]; };

// xOffset and xStride count 16-byte words of q8 activations; cols is a multiple of the type's block.
layout(push_constant) uniform Push {
#include "mat_vec_push.glsl"
#ifdef ROPE_STORE
#include "rope_store_push.glsl"
#endif
} p;

#define WEIGHTS weights
#define WEIGHTS4 weights4
#define DEQUANT_Q8
#include "dequant.glsl"
#include "q8_activations.glsl"
#ifdef ROPE_STORE
#define ROPE_BINDING 3
#include "rope_store_rows.glsl"
#endif

#ifdef SWIGLU
#define DOTS 2
#else
#define DOTS 1
#endif

// Subgroups of 4 invocations or more.
shared float partial[ROWS * DOTS][WG / 4];

#include "mat_vec_reduce.glsl"
#include "mul_mat_vec_store.glsl"

void main()
{
    const uint tid = gl_LocalInvocationID.x;
    const uint row0 = gl_WorkGroupID.x * ROWS;
    const uint token = gl_WorkGroupID.y;
    const uint units = p.cols / 32u;
    const uint chunks = units / Q8_CHUNK_UNITS;
    const uint rowBytes = (p.cols / BLOCK_ELEMS) * BLOCK_BYTES;
    const uint xBase = p.xOffset + token * p.xStride;

    float acc[ROWS * DOTS];
    for (uint i = 0u; i < ROWS * DOTS; ++i)
        acc[i] = 0.0;

    for (uint c = tid; c < chunks; c += WG) {
        uvec4 xq[2 * Q8_CHUNK_UNITS];
        vec2 xd[Q8_CHUNK_UNITS];
        for (uint k = 0u; k < Q8_CHUNK_UNITS; ++k) {
            const uint u = q8ChunkUnit(c, k);
            xq[2u * k] = q[xBase + 2u * u];
            xq[2u * k + 1u] = q[xBase + 2u * u + 1u];
            xd[k] = qPairs[q8PairIndex(xBase, units, u)];
        }
        for (uint r = 0u; r < ROWS; ++r) {
            const uint row = min(row0 + r, p.rows - 1u);
            for (uint k = 0u; k < DOTS; ++k)
                acc[r * DOTS + k] += q8ChunkDot((row + k * p.pairOffset) * rowBytes, c, xq, xd);
        }
    }

    // Reduce: within each subgroup, then across subgroups through shared memory.
    for (uint i = 0u; i < ROWS * DOTS; ++i)
        publishSubgroupSum(i, acc[i]);
    barrier();
    if (tid < ROWS) {
        const uint row = row0 + tid;
        if (row < p.rows) {
            float sums[DOTS];
            for (uint k = 0u; k < DOTS; ++k)
                sums[k] = workgroupSum(tid * DOTS + k);
            storeRow(tid, row, token, sums);
        }
    }
#ifdef ROPE_STORE
    ropeStoreRows(row0, token);
#endif
}
