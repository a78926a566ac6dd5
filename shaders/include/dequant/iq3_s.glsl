// IQ3_S weights: struct BlockIQ3_S { f16 d; uint8 qs[64]; uint8 qh[8]; uint8 signs[32]; uint8 scales[4]; }
// (../gguf_blocks.glsl): unit (run) j of a block is eight groups of four elements, group k the grid
// point qs[8j + k] | (bit k of qh[j]) << 8 with sign bits 4k .. 4k+3 of the unit's signs word, times
// d (1 + 2 s_j). Blocks of 110 bytes are only 2-byte aligned. Access forms: see ../dequant.glsl.
//
// The 512-point grid is not a constant array in the shader: lavapipe's LLVM takes far too long to
// compile one indexed by a value (a cold shader cache, as in CI). It is read from a uniform texel
// buffer of 128 16-byte texels that the Recorder binds after the operation's own bindings
// (TABLE_BINDING, from shaders.cmake; the buffer is vulkan/shader_tables.h's): texel fetches are what
// a CPU device gathers cheaply, and a GPU serves them from its texture cache.
#define BLOCK_ELEMS IQ3_S_BLOCK_ELEMS
#define BLOCK_BYTES IQ3_S_BLOCK_BYTES

layout(binding = TABLE_BINDING) uniform usamplerBuffer iq3sGrid;

// Grid point `index` (0..511): four magnitudes, one byte each, element 0 lowest.
uint iq3sGridWord(uint index) { return texelFetch(iq3sGrid, int(index >> 2))[index & 3u]; }

// The four signed bytes of a grid point with its sign bits (bit i negates byte i): bytes b of 1..15
// negate as (b ^ 0xFF) + 1 without carries.
uint iq3sSigned(uint gridWord, uint signBits)
{
    const uint neg = ((signBits * 0x00204081u) & 0x01010101u) * 0xFFu;
    return (gridWord ^ neg) + (neg & 0x01010101u);
}

// Group k of a unit: its grid index from the unit's qs byte and qh byte.
uint iq3sIndex(uint qsByte, uint qhByte, uint k) { return qsByte | (((qhByte >> k) & 1u) << 8); }

// Unit j's scale factor 1 + 2 s_j, from the block's scale bytes as a word.
float iq3sScale(uint scales, uint j) { return float(1u + 2u * ((scales >> (4u * j)) & 0xFu)); }

#ifdef WEIGHTS
// Unit j of the block at bb, read from storage: its 8 qs bytes, qh byte and 32 sign bits.
struct Iq3sUnit {
    uint qs[2];
    uint qh;
    uint signs;
};

Iq3sUnit iq3sLoadUnit(uint bb, uint j)
{
    Iq3sUnit u;
    LOAD_FUNNEL(u.qs, bb + IQ3_S_OFF_QS + 8u * j, 2u);
    u.qh = loadU8(bb + IQ3_S_OFF_QH + j);
    u.signs = loadU32(bb + IQ3_S_OFF_SIGNS + 4u * j);
    return u;
}

// Group k of the unit: its four signed magnitudes as bytes.
uint iq3sGroup(Iq3sUnit u, uint k)
{
    const uint index = iq3sIndex((u.qs[k >> 2] >> (8u * (k & 3u))) & 0xFFu, u.qh, k);
    return iq3sSigned(iq3sGridWord(index), (u.signs >> (4u * k)) & 0xFu);
}

// d (1 + 2 s_j) of unit j of the block at bb.
float iq3sUnitScale(uint bb, uint j)
{
    return loadF16(bb + IQ3_S_OFF_D) * iq3sScale(loadU8(bb + IQ3_S_OFF_SCALES + (j >> 1)), j & 1u);
}

vec4 dequantQuad(uint bb, uint quad)
{
    const uint j = quad >> 3;
    const uint index = iq3sIndex(loadU8(bb + IQ3_S_OFF_QS + quad), loadU8(bb + IQ3_S_OFF_QH + j), quad & 7u);
    const uint signBits = (loadU8(bb + IQ3_S_OFF_SIGNS + (quad >> 1)) >> (4u * (quad & 1u))) & 0xFu;
    return signedBytes(iq3sSigned(iq3sGridWord(index), signBits)) * iq3sUnitScale(bb, j);
}

// Unit s of a block is its run s: the eight groups' signed grid points and d (1 + 2 s_j), no offset.
void unitParts(uint rowByte, uint unit, out vec4 q[8], out vec4 f)
{
    const uint bb = rowByte + (unit >> 3) * IQ3_S_BLOCK_BYTES;
    const Iq3sUnit u = iq3sLoadUnit(bb, unit & 7u);
    for (uint k = 0u; k < 8u; ++k)
        q[k] = signedBytes(iq3sGroup(u, k));
    const float d = iq3sUnitScale(bb, unit & 7u);
    f = vec4(d, d, 0.0, 0.0);
}
#endif

#ifdef DEQUANT_Q8
// Chunk c: unit c, its eight signed grid points against the int8 activations, scaled once.
#define Q8_CHUNK_UNITS 1
uint q8ChunkUnit(uint c, uint k) { return c; }
float q8ChunkDot(uint rowByte, uint c, uvec4 xq[2], vec2 xd[1])
{
    const uint bb = rowByte + (c >> 3) * IQ3_S_BLOCK_BYTES;
    const Iq3sUnit u = iq3sLoadUnit(bb, c & 7u);
    int s = 0;
    for (uint k = 0u; k < 8u; ++k)
        s += dot4(iq3sGroup(u, k), XWORD(xq, 0u, k));
    return iq3sUnitScale(bb, c & 7u) * xd[0].x * float(s);
}
#endif

#ifdef DEQUANT_RUNS
// A run is 8 blocks (880 bytes = 55 words), as for Q3_K: chunk c is block c, 110c bytes in, its words
// moved down to it and joined in pairs (RUN_BLOCK_WORDS). Word i of the block holds bytes 4i .. 4i+3.
#define RUN_ELEMS 2048u
#define RUN_VEC4 55u
#define WV_COUNT 8
#include "dequant/runs.glsl"

// Byte `at` (a constant after unrolling) of the block's words.
uint iq3sByte(uint b[28], uint at) { return (b[at >> 2] >> (8u * (at & 3u))) & 0xFFu; }

float chunkDot(uint v, uint c)
{
    uint b[28];
    RUN_BLOCK_WORDS(b, 28u, v, c * IQ3_S_BLOCK_BYTES);
    const uint scales = funnel(b[IQ3_S_OFF_SCALES / 4], b[IQ3_S_OFF_SCALES / 4 + 1], 16u);
    float s = 0.0;
    [[unroll]] for (uint j = 0u; j < 8u; ++j) {
        const uint qh = iq3sByte(b, IQ3_S_OFF_QH + j);
        const uint signs = funnel(b[IQ3_S_OFF_SIGNS / 4 + j], b[IQ3_S_OFF_SIGNS / 4 + j + 1u], 16u);
        float q = 0.0;
        [[unroll]] for (uint k = 0u; k < 8u; ++k) {
            const uint index = iq3sIndex(iq3sByte(b, IQ3_S_OFF_QS + 8u * j + k), qh, k);
            q += dotSignedBytes(iq3sSigned(iq3sGridWord(index), (signs >> (4u * k)) & 0xFu), 32u * j + 4u * k);
        }
        s += iq3sScale(scales, j) * q;
    }
    return unpackHalf2x16(b[0]).x * s;
}
#endif

#ifdef DEQUANT_CHUNKS
// Chunk c is half h = c & 1 of block c / 2: units 4h .. 4h+3, their 32 qs bytes, 4 qh bytes, 16 sign
// bytes and 2 scale bytes, picked from the block's tail with selects (the same code for both halves).
struct Chunk {
    uint qs[8];
    uint qh;
    uint signs[4];
    uint scales;
    float d;
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    const uint bb = rowByte + (c >> 1) * IQ3_S_BLOCK_BYTES;
    const bool h = (c & 1u) != 0u;
    uint head[1];
    LOAD_UNALIGNED(head, bb, 1u);
    k.d = unpackHalf2x16(head[0]).x;
    LOAD_UNALIGNED(k.qs, bb + IQ3_S_OFF_QS + (h ? 32u : 0u), 8u);
    // qh (2 words), signs (8), scales (1): bytes 66 .. 109.
    uint tail[11];
    LOAD_UNALIGNED(tail, bb + IQ3_S_OFF_QH, 11u);
    k.qh = h ? tail[1] : tail[0];
    [[unroll]] for (uint i = 0u; i < 4u; ++i)
        k.signs[i] = h ? tail[6u + i] : tail[2u + i];
    k.scales = h ? tail[10] >> 16 : tail[10];
}

void chunkUnit(Chunk k, uint u, out vec4 w[8])
{
    const float d = k.d * iq3sScale(k.scales, u);
    const uint qh = (k.qh >> (8u * u)) & 0xFFu;
    [[unroll]] for (uint g = 0u; g < 8u; ++g) {
        const uint index = iq3sIndex((k.qs[2u * u + (g >> 2)] >> (8u * (g & 3u))) & 0xFFu, qh, g);
        w[g] = signedBytes(iq3sSigned(iq3sGridWord(index), (k.signs[u] >> (4u * g)) & 0xFu)) * d;
    }
}
#endif
