#version 450
// Tiled matrix-matrix product (prefill): y[t][yOffset + r] (+)= dot(W[r], x[t]) for a tile of BM rows x
// BN tokens per workgroup of 256 threads. Each step dequantizes a BM x BK tile of W and loads a BK x BN
// tile of x into shared memory; each thread then accumulates TM x TM outputs: rows 4 ty .. 4 ty + 3
// (+ 64, + 128, ... for each further 4) and the same pattern of tokens with tx.
// The 64 x 64 tile (TM 4) reads two shared vec4 per 16 multiply-adds; WIDE_TILE's 128 x 128 (TM 8)
// reads four per 64, which a GPU's shared memory bandwidth allows to keep its ALUs busy, at the cost
// of registers and of work wasted on partial tiles of small batches.
#ifdef WIDE_TILE
#define TM 8
#define BK 16
#else
#define TM 4
#define BK 32
#endif
#define BM (16 * TM)
#define BN (16 * TM)
#define BLOCKS (TM / 4)  // 4-wide blocks of rows (and of tokens) per thread, 64 apart
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

    // acc[4 tb + j][rb]: token 64 tb + 4 tx + j, rows 64 rb + 4 ty .. + 3.
    vec4 acc[TM][BLOCKS];
    for (uint j = 0u; j < TM; ++j)
        for (uint rb = 0u; rb < BLOCKS; ++rb)
            acc[j][rb] = vec4(0.0);

    for (uint k0 = 0u; k0 < quads; k0 += BK / 4u) {
        // Load: BM rows x BK/4 quads of W and BN tokens x BK/4 quads of x, two of each per thread.
        for (uint i = 0u; i < 2u; ++i) {
            const uint idx = tid + i * 256u;
            const uint r = idx / (BK / 4u);
            const uint kq = idx % (BK / 4u);
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
        // Multiply: acc[4 tb + j][rb] += W[rows of block rb][k] * x[token 4 tb + j][k].
        for (uint k = 0u; k < BK; ++k) {
            vec4 a[BLOCKS];
            vec4 b[BLOCKS];
            for (uint q = 0u; q < BLOCKS; ++q) {
                a[q] = tileW[k][ty + 16u * q];
                b[q] = tileX[k][tx + 16u * q];
            }
            for (uint tb = 0u; tb < BLOCKS; ++tb)
                for (uint j = 0u; j < 4u; ++j)
                    for (uint rb = 0u; rb < BLOCKS; ++rb)
                        acc[4u * tb + j][rb] += a[rb] * b[tb][j];
        }
        barrier();
    }

    for (uint tb = 0u; tb < BLOCKS; ++tb)
        for (uint j = 0u; j < 4u; ++j) {
            const uint token = tokBase + 64u * tb + 4u * tx + j;
            if (token >= p.tokens)
                continue;
            for (uint rb = 0u; rb < BLOCKS; ++rb)
                for (uint i = 0u; i < 4u; ++i) {
                    const uint row = rowBase + 64u * rb + 4u * ty + i;
                    if (row >= p.rows)
                        continue;
                    const uint yi = p.yOffset + token * p.yStride + row;
                    y[yi] = p.accumulate != 0u ? y[yi] + acc[4u * tb + j][rb][i] : acc[4u * tb + j][rb][i];
                }
        }
}
