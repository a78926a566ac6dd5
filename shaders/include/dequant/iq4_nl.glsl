// IQ4_NL weights: struct BlockIQ4_NL { f16 d; uint8 qs[16]; }, Q4_0's layout, but weight =
// d kIq4nlValues[q] (iq4_values.glsl) instead of d (q - 8). Access forms: see ../dequant.glsl.
#define BLOCK_ELEMS IQ4_NL_BLOCK_ELEMS
#define BLOCK_BYTES IQ4_NL_BLOCK_BYTES
#include "dequant/iq4_values.glsl"

#ifdef WEIGHTS
// Quads 0-3: low nibbles of qs word 0-3 (elements 0-15); quads 4-7: high nibbles (elements 16-31).
vec4 dequantQuad(uint bb, uint quad)
{
    const float d = loadF16(bb + IQ4_NL_OFF_D);
    const uint word = loadU32(bb + IQ4_NL_OFF_QS + 4u * (quad & 3u));
    return iq4Values(word, (quad >> 2) * 4u) * d;
}

void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + unit * IQ4_NL_BLOCK_BYTES;
    const float d = loadF16(bb + IQ4_NL_OFF_D);
    uint w[4];
    LOAD_FUNNEL(w, bb + IQ4_NL_OFF_QS, 4u);
    for (uint i = 0u; i < 4u; ++i) {
        q[i] = iq4Values(w[i], 0u);
        q[i + 4u] = iq4Values(w[i], 4u);
    }
    f = vec4(d, d, 0.0, 0.0);
}
#endif

#ifdef DEQUANT_RUNS
// 8 blocks of 18 bytes = 144 bytes = 9 words.
#define RUN_ELEMS 256u
#define RUN_VEC4 9u
#define WV_COUNT 9
#include "dequant/runs.glsl"

float chunkDot(uint v, uint c)
{
    loadWords(v, 9u);
    float s = 0.0;
    [[unroll]] for (uint b = 0u; b < 8u; ++b) {
        const uint o = b * IQ4_NL_BLOCK_BYTES;
        float q = 0.0;
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const uint w = wordAt(o + IQ4_NL_OFF_QS + 4u * k);
            q += dot(iq4Values(w, 0u), xs[8u * b + k]) + dot(iq4Values(w, 4u), xs[8u * b + 4u + k]);
        }
        s += halfAt(o + IQ4_NL_OFF_D) * q;
    }
    return s;
}
#endif

#ifdef DEQUANT_CHUNKS
#define PAIR_QS 4u
#include "dequant/pair_chunk.glsl"

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    const float d = pairScale(k, u);
    [[unroll]] for (uint i = 0u; i < 4u; ++i) {
        const uint q = pairQs(k, u, i);
        w[i] = iq4Values(q, 0u) * d;
        w[i + 4u] = iq4Values(q, 4u) * d;
    }
}
#endif
