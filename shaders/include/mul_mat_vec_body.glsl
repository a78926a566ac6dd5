// The body of mul_mat_vec.comp and mul_mat_vec_norm.comp: fused dequantize + matrix-vector product
// (decode), y[t][yOffset + r] (+)= dot(W[r], x[t]).
// One workgroup computes ROWS rows for one token: the threads stride over the row's 32-element units
// (4-element quads for other float rows), then a subgroup + shared-memory reduction.
// With SWIGLU the matrix holds gate rows then up rows (pairOffset apart) and y = silu(gate) * up.
// With RMS_NORM the product is taken with rmsNorm(x[t]) * normWeight: the workgroup sums the squares
// of the x it loads anyway (every element once), so the normalized vector is never written.
// With ROPE_STORE (after RMS_NORM, for the q|k|v product) rows are rows of q|k|v, rotated and stored
// as rope_store does (rope_store_rows.glsl).
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_EXT_control_flow_attributes : require

// Rows per workgroup: a specialization constant, 4 on GPUs, more on CPU devices (lavapipe), where
// each workgroup costs a fixed overhead.
layout(constant_id = 0) const uint ROWS = 4;
// 1: dot products of the raw quantized values, each unit's scale and offset applied once per half
// (dotUnit); 0: dequantize every weight first. A specialization constant, for measuring the two.
layout(constant_id = 1) const uint FOLDED_DOT = 1;
// Threads per workgroup (a multiple of the subgroup size): a specialization constant, 64 unless
// HEARTH_VK_MATVEC_WG says otherwise (for measuring).
layout(constant_id = 2) const uint WG = 64;
layout(local_size_x_id = 2) in;
// 1 (GPUs): the loops over the workgroup's rows are unrolled, so the sums stay in registers. 0 (CPU
// devices): they stay loops, since LLVM (lavapipe) spends seconds of CPU compiling the unrolled body of
// 16 rows, most of the time to the first token on a cold shader cache, and a CPU keeps the sums in
// its cache as well.
layout(constant_id = 3) const uint UNROLL_ROWS = 1;

layout(std430, binding = 0) readonly buffer Weights { uint weights[]; };
// The same bytes 16 at a time, for the K-quants' aligned blocks (dequant.glsl).
layout(std430, binding = 0) readonly buffer Weights4 { uvec4 weights4[]; };
layout(std430, binding = 1) readonly buffer X { vec4 x[]; };
layout(std430, binding = 2) buffer Y { float y[]; };

// cols, xOffset and xStride are floats, multiples of 4.
layout(push_constant) uniform Push {
#include "mat_vec_push.glsl"
#ifdef RMS_NORM
    float eps;
#endif
#ifdef ROPE_STORE
#include "rope_store_push.glsl"
#endif
} p;

#ifdef RMS_NORM
layout(std430, binding = 3) readonly buffer NormWeight { vec4 normWeight[]; };
#endif
#ifdef ROPE_STORE
#define ROPE_BINDING 4
#include "rope_store_rows.glsl"
#endif

#define WEIGHTS weights
#define WEIGHTS4 weights4
#include "dequant.glsl"

#ifdef SWIGLU
#define DOTS 2
#else
#define DOTS 1
#endif

shared float partial[ROWS * DOTS][WG / 4];
shared float partialSquares[WG / 4];

#include "mat_vec_reduce.glsl"
#include "mul_mat_vec_store.glsl"

// The per-thread sums of the workgroup's rows (gate and up rows with SWIGLU).
float acc[ROWS * DOTS];

// Adds row row0 + r's dot products with one 32-element unit u of x (in xv, xHalfSums).
void addUnit(uint r, uint row0, uint rowBytes, uint u, vec4 xv[8], vec2 xHalfSums)
{
    const uint row = min(row0 + r, p.rows - 1u);
    for (uint k = 0u; k < DOTS; ++k) {
        const uint rowByte = (row + k * p.pairOffset) * rowBytes;
        if (FOLDED_DOT != 0u) {
            acc[r * DOTS + k] += dotUnit(rowByte, u, xv, xHalfSums);
        } else {
            vec4 w[8];
            dequantUnit(rowByte, u, w);
            float s = 0.0;
            for (uint i = 0u; i < 8u; ++i)
                s += dot(w[i], xv[i]);
            acc[r * DOTS + k] += s;
        }
    }
}

// Adds row row0 + r's dot products with a quad of x (xv, quad q of its block at blockOff), for float
// rows that are not whole units.
void addQuad(uint r, uint row0, uint rowBytes, uint blockOff, uint q, vec4 xv)
{
    const uint row = min(row0 + r, p.rows - 1u);
    acc[r * DOTS] += dot(dequantQuad(row * rowBytes + blockOff, q), xv);
#ifdef SWIGLU
    acc[r * DOTS + 1u] += dot(dequantQuad((row + p.pairOffset) * rowBytes + blockOff, q), xv);
#endif
}

void main()
{
    const uint tid = gl_LocalInvocationID.x;
    const uint row0 = gl_WorkGroupID.x * ROWS;
    const uint token = gl_WorkGroupID.y;
    const uint quads = p.cols / 4u;
    const uint rowBytes = (p.cols / BLOCK_ELEMS) * BLOCK_BYTES;
    const uint xBase = (p.xOffset + token * p.xStride) / 4u;

    for (uint i = 0u; i < ROWS * DOTS; ++i)
        acc[i] = 0.0;
    float squares = 0.0;  // RMS_NORM: of this thread's elements of x

    if (p.cols % 32u == 0u) {
        // Rows of whole 32-element units (every quantized type): each thread takes units tid,
        // tid + WG, ...; their 32 activations are loaded once for all rows.
        const uint units = p.cols / 32u;
        for (uint u = tid; u < units; u += WG) {
            vec4 xv[8];
            for (uint i = 0u; i < 8u; ++i)
                xv[i] = x[xBase + 8u * u + i];
#ifdef RMS_NORM
            for (uint i = 0u; i < 8u; ++i) {
                squares += dot(xv[i], xv[i]);
                xv[i] *= normWeight[8u * u + i];
            }
#endif
            const vec2 xHalfSums = vec2(dot(xv[0] + xv[1] + xv[2] + xv[3], vec4(1.0)),
                                        dot(xv[4] + xv[5] + xv[6] + xv[7], vec4(1.0)));
            if (UNROLL_ROWS != 0u) {
                for (uint r = 0u; r < ROWS; ++r)
                    addUnit(r, row0, rowBytes, u, xv, xHalfSums);
            } else {
                [[dont_unroll]] for (uint r = 0u; r < ROWS; ++r)
                    addUnit(r, row0, rowBytes, u, xv, xHalfSums);
            }
        }
    } else {
        // Other float rows (a multiple of 4): quads tid, tid + WG, ...
        for (uint g = tid; g < quads; g += WG) {
            vec4 xv = x[xBase + g];
#ifdef RMS_NORM
            squares += dot(xv, xv);
            xv *= normWeight[g];
#endif
            const uint blockOff = (g / QUADS_PER_BLOCK) * BLOCK_BYTES;
            const uint q = g % QUADS_PER_BLOCK;
            if (UNROLL_ROWS != 0u) {
                for (uint r = 0u; r < ROWS; ++r)
                    addQuad(r, row0, rowBytes, blockOff, q, xv);
            } else {
                [[dont_unroll]] for (uint r = 0u; r < ROWS; ++r)
                    addQuad(r, row0, rowBytes, blockOff, q, xv);
            }
        }
    }

    // Reduce: within each subgroup, then across subgroups through shared memory.
    if (UNROLL_ROWS != 0u) {
        for (uint i = 0u; i < ROWS * DOTS; ++i)
            publishSubgroupSum(i, acc[i]);
    } else {
        [[dont_unroll]] for (uint i = 0u; i < ROWS * DOTS; ++i)
            publishSubgroupSum(i, acc[i]);
    }
#ifdef RMS_NORM
    const float squaresInGroup = subgroupAdd(squares);
    if (subgroupElect())
        partialSquares[gl_SubgroupID] = squaresInGroup;
#endif
    barrier();
    if (tid < ROWS) {
        const uint row = row0 + tid;
        if (row < p.rows) {
            float sums[DOTS];
            for (uint k = 0u; k < DOTS; ++k)
                sums[k] = workgroupSum(tid * DOTS + k);
#ifdef RMS_NORM
            float total = 0.0;
            for (uint s = 0u; s < gl_NumSubgroups; ++s)
                total += partialSquares[s];
            const float scale = inversesqrt(total / float(p.cols) + p.eps);
            for (uint k = 0u; k < DOTS; ++k)
                sums[k] *= scale;
#endif
            storeRow(tid, row, token, sums);
        }
    }
#ifdef ROPE_STORE
    ropeStoreRows(row0, token);
#endif
}
