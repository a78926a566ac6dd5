// Helpers of the texel-run form (mul_mat_vec_cpu.comp): a row is read in "runs", the fewest whole
// blocks that fill a multiple of 16 bytes (8 Q4_0 blocks = 144 bytes), as 16-byte words (uvec4):
// lavapipe pays per load instruction, nearly whatever its width. The fields are pulled out of the
// loaded words with shifts that unrolling makes constant.
// The including format defines, before including this file:
//   RUN_ELEMS, RUN_VEC4   elements and 16-byte words in a run
//   WV_COUNT              the words one chunkDot() holds (the run's, or one Q6_K block's)
// and after it `float chunkDot(uint v, uint c)`: dot(chunk c, 256 elements, of the run at word v; xs).
// The shader defines `uvec4 weightWord(uint i)` (16-byte word i of the weights) and fills xs and xsum
// with a chunk's activations (CHUNK_ELEMS, 256 unless the format says otherwise). A run has
// RUN_CHUNKS chunks (2 for IQ4_XS, 1 for the others); the shader loops over them without unrolling,
// so chunkDot is compiled once. Quantized blocks use the identity sum(d (q - o) x) = d (sum(q x) - o sum(x)),
// so the offset costs one multiply-add per 16 or 32 elements instead of a subtraction per element.
#ifndef DEQUANT_RUNS_GLSL
#define DEQUANT_RUNS_GLSL

#ifndef CHUNK_ELEMS
#define CHUNK_ELEMS 256u
#endif
#define RUN_CHUNKS (RUN_ELEMS / CHUNK_ELEMS)

// The chunk's activations (the same for every lane) and their sums per 16, filled by the shader.
vec4 xs[CHUNK_ELEMS / 4u];
float xsum[CHUNK_ELEMS / 16u];

// The words being decoded; indexed only by constants after unrolling, so they stay in registers.
uvec4 wv[WV_COUNT];

void loadWords(uint v, uint count)
{
    [[unroll]] for (uint i = 0u; i < count; ++i)
        wv[i] = weightWord(v + i);
}

// The 32-bit word at a constant even byte offset of wv (blocks of 18, 34 and 210 bytes are only
// 2-byte aligned).
uint wordAt(uint byteOff)
{
    // A select, not an early return: glslc's optimizer crashes on the branch in unrolled loops.
    const uint next = byteOff + 2u;
    const uint lo = wv[byteOff >> 4][(byteOff >> 2) & 3u];
    const uint hi = wv[next >> 4][(next >> 2) & 3u];
    return (byteOff & 2u) == 0u ? lo : (lo >> 16) | (hi << 16);
}

float halfAt(uint byteOff)
{
    const uint w = wv[byteOff >> 4][(byteOff >> 2) & 3u];
    return unpackHalf2x16((byteOff & 2u) == 0u ? w : w >> 16).x;
}

// Byte i of a word, as a float (a signed conversion: one instruction, unlike the unsigned one).
float byteOf(uint word, uint i) { return float(int((word >> (8u * i)) & 0xFFu)); }
float nibbleOf(uint word, uint i) { return float(int((word >> (4u * i)) & 0xFu)); }

// sum over the 4 bytes of `word` (elements e..e+3 of xs) of byte * x.
float dotBytes(uint word, uint e)
{
    const vec4 xv = xs[e >> 2];
    return byteOf(word, 0u) * xv.x + byteOf(word, 1u) * xv.y + byteOf(word, 2u) * xv.z + float(int(word >> 24)) * xv.w;
}
float dotSignedBytes(uint word, uint e)
{
    const vec4 xv = xs[e >> 2];
    return float(int(word << 24) >> 24) * xv.x + float(int(word << 16) >> 24) * xv.y +
           float(int(word << 8) >> 24) * xv.z + float(int(word) >> 24) * xv.w;
}
// Low (hi = 0) or high nibbles of the 4 bytes of `word`, times elements e..e+3.
float dotNibbles(uint word, uint hi, uint e)
{
    return dotBytes((word >> (4u * hi)) & 0x0F0F0F0Fu, e);
}

// Word i of the loaded words, read as one array (i a constant after unrolling; past the end: the last).
uint flatWord(uint i)
{
    const uint j = min(i, 4u * uint(WV_COUNT) - 1u);
    return wv[j >> 2][j & 3u];
}

// The n words of a block that starts `o` bytes into wv, o even and below 16 but not a constant (a run's
// blocks, decoded by one chunkDot): moved down by whole words with selects (the same code for every
// offset), then, for blocks that are only 2-byte aligned, joined in pairs. wv holds n + 4 words.
#define SELECT_WORDS(dst, n, o)                                                                 \
    {                                                                                           \
        const uint ws_ = ((o) >> 2) & 3u;                                                       \
        [[unroll]] for (uint i_ = 0u; i_ < (n); ++i_)                                           \
            dst[i_] = ws_ < 2u ? (ws_ == 0u ? flatWord(i_) : flatWord(i_ + 1u))                 \
                               : (ws_ == 2u ? flatWord(i_ + 2u) : flatWord(i_ + 3u));           \
    }
#define BLOCK_WORDS(dst, n, o)                                                                  \
    {                                                                                           \
        uint a_[(n) + 1u];                                                                      \
        SELECT_WORDS(a_, (n) + 1u, o);                                                          \
        [[unroll]] for (uint k_ = 0u; k_ < (n); ++k_)                                           \
            dst[k_] = funnel(a_[k_], a_[k_ + 1u], ((o) & 2u) * 8u);                             \
    }
// The n words of the block `start` bytes (even) into the run at word v: the WV_COUNT words from the one
// holding its first byte (clamped to the run) loaded into wv, then BLOCK_WORDS.
#define RUN_BLOCK_WORDS(dst, n, v, start)                                                       \
    {                                                                                           \
        [[unroll]] for (uint j_ = 0u; j_ < uint(WV_COUNT); ++j_)                                \
            wv[j_] = weightWord((v) + min(((start) >> 4) + j_, RUN_VEC4 - 1u));                 \
        BLOCK_WORDS(dst, n, (start) & 15u);                                                     \
    }

#endif
