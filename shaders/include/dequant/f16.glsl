// F16 weights: a "block" is one quad of 4 elements (two words). Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS F16_BLOCK_ELEMS
#define BLOCK_BYTES F16_BLOCK_BYTES

#ifdef WEIGHTS
vec4 dequantQuad(uint bb, uint quad)
{
    const uint w = bb >> 2;
    return vec4(unpackHalf2x16(WEIGHTS[w]), unpackHalf2x16(WEIGHTS[w + 1u]));
}

void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint w = (rowByte >> 2) + unit * 16u;
    for (uint i = 0u; i < 8u; ++i)
        q[i] = vec4(unpackHalf2x16(WEIGHTS[w + 2u * i]), unpackHalf2x16(WEIGHTS[w + 2u * i + 1u]));
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
        const vec4 a = vec4(unpackHalf2x16(w.x), unpackHalf2x16(w.y));
        const vec4 b = vec4(unpackHalf2x16(w.z), unpackHalf2x16(w.w));
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
        w[i] = vec4(unpackHalf2x16(a), unpackHalf2x16(b));
    }
}
#endif
