#version 450
// Tiled matrix-matrix product (prefill): y[t][yOffset + r] (+)= dot(W[r], x[t]) for a tile of
// 64 rows x 64 tokens per workgroup. Each step dequantizes a 64 x 32 tile of W and loads a 32 x 64
// tile of x into shared memory; each thread then accumulates a 4 x 4 block of outputs.
#define BM 64
#define BN 64
#define BK 32
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer Weights { uint weights[]; };
layout(std430, binding = 1) readonly buffer X { vec4 x[]; };
layout(std430, binding = 2) buffer Y { float y[]; };

layout(push_constant) uniform Push {
    uint rows;        // M
    uint cols;        // K, a multiple of 4
    uint tokens;      // T
    uint xOffset;     // floats, a multiple of 4
    uint xStride;     // floats between tokens, a multiple of 4
    uint yOffset;
    uint yStride;
    uint accumulate;  // 1: y += result
} p;

#define WEIGHTS weights
#include "dequant.glsl"

// k-major tiles: a thread reads 4 consecutive rows (or tokens) as one vec4.
shared vec4 tileW[BK][BM / 4];
shared vec4 tileX[BK][BN / 4];

void main()
{
    const uint tid = gl_LocalInvocationID.x;
    const uint tx = tid % 16u;  // token group
    const uint ty = tid / 16u;  // row group
    const uint rowBase = gl_WorkGroupID.x * BM;
    const uint tokBase = gl_WorkGroupID.y * BN;
    const uint quads = p.cols / 4u;
    const uint rowBytes = (p.cols / BLOCK_ELEMS) * BLOCK_BYTES;

    vec4 acc[4];
    for (uint i = 0u; i < 4u; ++i)
        acc[i] = vec4(0.0);

    for (uint k0 = 0u; k0 < quads; k0 += BK / 4u) {
        // Load: 64 rows x 8 quads of W and 64 tokens x 8 quads of x, two of each per thread.
        for (uint i = 0u; i < 2u; ++i) {
            const uint idx = tid + i * 256u;
            const uint r = idx / 8u;
            const uint kq = idx % 8u;
            const uint g = k0 + kq;
            vec4 w = vec4(0.0);
            if (rowBase + r < p.rows && g < quads)
                w = dequantQuad((rowBase + r) * rowBytes + (g / QUADS_PER_BLOCK) * BLOCK_BYTES,
                                g % QUADS_PER_BLOCK);
            tileW[kq * 4u + 0u][r / 4u][r % 4u] = w.x;
            tileW[kq * 4u + 1u][r / 4u][r % 4u] = w.y;
            tileW[kq * 4u + 2u][r / 4u][r % 4u] = w.z;
            tileW[kq * 4u + 3u][r / 4u][r % 4u] = w.w;
            vec4 v = vec4(0.0);
            if (tokBase + r < p.tokens && g < quads)
                v = x[(p.xOffset + (tokBase + r) * p.xStride) / 4u + g];
            tileX[kq * 4u + 0u][r / 4u][r % 4u] = v.x;
            tileX[kq * 4u + 1u][r / 4u][r % 4u] = v.y;
            tileX[kq * 4u + 2u][r / 4u][r % 4u] = v.z;
            tileX[kq * 4u + 3u][r / 4u][r % 4u] = v.w;
        }
        barrier();
        // Multiply: acc[j][i] += W[row 4ty+i][k] * x[token 4tx+j][k].
        for (uint k = 0u; k < BK; ++k) {
            const vec4 a = tileW[k][ty];
            const vec4 b = tileX[k][tx];
            acc[0] += a * b.x;
            acc[1] += a * b.y;
            acc[2] += a * b.z;
            acc[3] += a * b.w;
        }
        barrier();
    }

    for (uint j = 0u; j < 4u; ++j) {
        const uint token = tokBase + tx * 4u + j;
        if (token >= p.tokens)
            continue;
        for (uint i = 0u; i < 4u; ++i) {
            const uint row = rowBase + ty * 4u + i;
            if (row >= p.rows)
                continue;
            const uint yi = p.yOffset + token * p.yStride + row;
            y[yi] = p.accumulate != 0u ? y[yi] + acc[j][i] : acc[j][i];
        }
    }
}
