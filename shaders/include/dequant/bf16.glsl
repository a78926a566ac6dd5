// BF16 weights (the top half of an f32): a "block" is one quad of 4 elements (two words). Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS F16_BLOCK_ELEMS
#define BLOCK_BYTES F16_BLOCK_BYTES

#ifdef WEIGHTS
vec4 dequantQuad(uint bb, uint quad)
{
    const uint w = bb >> 2;
    const uint a = WEIGHTS[w];
    const uint b = WEIGHTS[w + 1u];
    return uintBitsToFloat(uvec4(a << 16, a & 0xFFFF0000u, b << 16, b & 0xFFFF0000u));
}

void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint w = (rowByte >> 2) + unit * 16u;
    for (uint i = 0u; i < 8u; ++i) {
        const uint a = WEIGHTS[w + 2u * i];
        const uint b = WEIGHTS[w + 2u * i + 1u];
        q[i] = uintBitsToFloat(uvec4(a << 16, a & 0xFFFF0000u, b << 16, b & 0xFFFF0000u));
    }
    f = vec4(1.0, 1.0, 0.0, 0.0);
}
#endif

#ifdef DEQUANT_RUNS
#define RUN_ELEMS 256u
#define RUN_VEC4 32u
#define WV_COUNT 32
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    loadWords(v, 32u);
    float s = 0.0;
    [[unroll]] for (uint i = 0u; i < 32u; ++i) {
        const uvec4 w = wv[i];
        const vec4 a = uintBitsToFloat(uvec4(w.x << 16, w.x & 0xFFFF0000u, w.y << 16, w.y & 0xFFFF0000u));
        const vec4 b = uintBitsToFloat(uvec4(w.z << 16, w.z & 0xFFFF0000u, w.w << 16, w.w & 0xFFFF0000u));
        s += dot(a, xs[2u * i]) + dot(b, xs[2u * i + 1u]);
    }
    return s;
}
#endif

#ifdef DEQUANT_CHUNKS
// 128 elements: 64 words, two elements a word.
#define CHUNK_WORDS 64u
struct Chunk {
    uint wd[CHUNK_WORDS];
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    LOAD_TEXELS(k.wd, rowByte + 4u * CHUNK_WORDS * c, CHUNK_WORDS);
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    [[unroll]] for (uint i = 0u; i < 8u; ++i) {
        const uint a = k.wd[16u * u + 2u * i];
        const uint b = k.wd[16u * u + 2u * i + 1u];
        w[i] = uintBitsToFloat(uvec4(a << 16, a & 0xFFFF0000u, b << 16, b & 0xFFFF0000u));
    }
}
#endif
