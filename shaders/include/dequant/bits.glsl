// Bit helpers every decoder uses, whatever buffer it reads.
//   vec4 nibbles(uint word, uint shift)   // the nibble at `shift` of each of the word's 4 bytes
//   vec4 signedBytes(uint word)           // its 4 bytes as int8
//   uint funnel(uint lo, uint hi, uint s) // the word s bits into the pair (lo, hi), s = 0 or 16
#ifndef DEQUANT_BITS_GLSL
#define DEQUANT_BITS_GLSL

vec4 nibbles(uint word, uint shift)
{
    return vec4((word >> shift) & 0xFu, (word >> (shift + 8u)) & 0xFu, (word >> (shift + 16u)) & 0xFu,
                (word >> (shift + 24u)) & 0xFu);
}
vec4 signedBytes(uint word)
{
    return vec4(int(word << 24) >> 24, int(word << 16) >> 24, int(word << 8) >> 24, int(word) >> 24);
}

// Word i of the bytes starting at a 2-aligned offset, given the aligned words around it.
uint funnel(uint lo, uint hi, uint s) { return (lo >> s) | ((hi << 1u) << (31u - s)); }

#endif
