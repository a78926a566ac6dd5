// F32 weights: a "block" is one quad of 4 elements. Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS F32_BLOCK_ELEMS
#define BLOCK_BYTES F32_BLOCK_BYTES

#ifdef WEIGHTS
vec4 dequantQuad(uint bb, uint quad)
{
    const uint w = bb >> 2;
    return uintBitsToFloat(uvec4(WEIGHTS[w], WEIGHTS[w + 1u], WEIGHTS[w + 2u], WEIGHTS[w + 3u]));
}

void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint w = (rowByte >> 2) + unit * 32u;
    for (uint i = 0u; i < 8u; ++i)
        q[i] = uintBitsToFloat(uvec4(WEIGHTS[w + 4u * i], WEIGHTS[w + 4u * i + 1u], WEIGHTS[w + 4u * i + 2u],
                                     WEIGHTS[w + 4u * i + 3u]));
    f = vec4(1.0, 1.0, 0.0, 0.0);
}
#endif

#ifdef DEQUANT_RUNS
#define RUN_ELEMS 256u
#define RUN_VEC4 64u
#define WV_COUNT 64
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    loadWords(v, 64u);
    float s = 0.0;
    [[unroll]] for (uint i = 0u; i < 64u; ++i)
        s += dot(uintBitsToFloat(wv[i]), xs[i]);
    return s;
}
#endif

#ifdef DEQUANT_CHUNKS
// 128 elements: 128 words.
#define CHUNK_WORDS 128u
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
        const uint e = 32u * u + 4u * i;
        w[i] = uintBitsToFloat(uvec4(k.wd[e], k.wd[e + 1u], k.wd[e + 2u], k.wd[e + 3u]));
    }
}
#endif
