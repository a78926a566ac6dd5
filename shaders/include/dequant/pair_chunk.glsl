// The chunk form (mul_mat_cpu.comp) of blocks { f16 d; qs[PAIR_QS words] } (Q4_0, Q8_0, IQ4_NL): four
// blocks as words, a pair of blocks being 2 * PAIR_QS + 1 words, the even block's qs 2 bytes into its first
// word, the odd block's qs aligned after its d. Chunks start 8-aligned (rows of whole chunks).
// The format defines PAIR_QS and includes this file, then decodes unit u from pairScale and pairQs.
#ifndef DEQUANT_PAIR_CHUNK_GLSL
#define DEQUANT_PAIR_CHUNK_GLSL

struct Chunk {
    uint wd[4u * PAIR_QS + 2u];
};

void loadChunk(uint rowByte, uint c, out Chunk k)
{
    LOAD_ALIGNED(k.wd, rowByte + 4u * BLOCK_BYTES * c, 4u * PAIR_QS + 2u);
}

// Block u's scale and qs words.
float pairScale(Chunk k, uint u)
{
    const uint base = (2u * PAIR_QS + 1u) * (u >> 1);
    return (u & 1u) == 0u ? unpackHalf2x16(k.wd[base]).x : unpackHalf2x16(k.wd[base + PAIR_QS]).y;
}
uint pairQs(Chunk k, uint u, uint i)
{
    const uint base = (2u * PAIR_QS + 1u) * (u >> 1);
    return (u & 1u) == 0u ? funnel(k.wd[base + i], k.wd[base + i + 1u], 16u) : k.wd[base + PAIR_QS + 1u + i];
}

#endif
