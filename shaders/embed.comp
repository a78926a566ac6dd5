#version 450
// Embedding lookup: y[t] = dequantized row tokens[t] of the table, for the tokens whose row lies in
// this piece of the table ([rowBegin, rowBegin + rowCount): large tables are split across buffers).
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Table { uint table[]; };
layout(std430, binding = 1) readonly buffer Tokens { int tokens[]; };
layout(std430, binding = 2) writeonly buffer Y { vec4 y[]; };

layout(push_constant) uniform Push {
    uint cols;
    uint rowBegin;
    uint rowCount;
    uint yStride;  // floats between tokens, a multiple of 4
} p;

#define WEIGHTS table
#include "dequant.glsl"

void main()
{
    const uint g = gl_GlobalInvocationID.x;
    const uint t = gl_WorkGroupID.y;
    const uint row = uint(tokens[t]) - p.rowBegin;  // wraps above rowCount when below rowBegin
    if (g >= p.cols / 4u || row >= p.rowCount)
        return;
    const uint rowBytes = (p.cols / BLOCK_ELEMS) * BLOCK_BYTES;
    y[t * (p.yStride / 4u) + g] = dequantQuad(row * rowBytes + (g / QUADS_PER_BLOCK) * BLOCK_BYTES,
                                              g % QUADS_PER_BLOCK);
}
