// Byte-addressed reads from the storage word array the including shader names WEIGHTS (a `uint[]`).
// Blocks of 18, 34 and 210 bytes are only 2-byte aligned, so 32-bit reads at 2-aligned offsets join
// two words (weight buffers are padded by 16 bytes so the second word always exists).
#ifndef DEQUANT_WORDS_GLSL
#define DEQUANT_WORDS_GLSL

uint loadU8(uint byteOff) { return (WEIGHTS[byteOff >> 2] >> ((byteOff & 3u) * 8u)) & 0xFFu; }
uint loadU16(uint byteOff) { return (WEIGHTS[byteOff >> 2] >> ((byteOff & 2u) * 8u)) & 0xFFFFu; }
uint loadU32(uint byteOff)
{
    const uint w = byteOff >> 2;
    const uint s = (byteOff & 2u) * 8u;
    // (x << 1) << (31 - s) is x << 16 when s = 16 and 0 when s = 0 (a shift by 32 is undefined).
    return (WEIGHTS[w] >> s) | ((WEIGHTS[w + 1u] << 1u) << (31u - s));
}
float loadF16(uint byteOff) { return unpackHalf2x16(loadU16(byteOff)).x; }

// n (<= 9) words starting at 2-aligned byte offset b.
#define LOAD_FUNNEL(dst, b, n)                                          \
    {                                                                   \
        const uint w0_ = (b) >> 2;                                      \
        const uint s_ = ((b) & 2u) * 8u;                                \
        uint prev_ = WEIGHTS[w0_];                                      \
        for (uint i_ = 0u; i_ < (n); ++i_) {                            \
            const uint next_ = WEIGHTS[w0_ + i_ + 1u];                  \
            dst[i_] = funnel(prev_, next_, s_);                         \
            prev_ = next_;                                              \
        }                                                               \
    }

#endif
