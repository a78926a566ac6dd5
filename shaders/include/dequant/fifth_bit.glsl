// The fifth bits of Q5_0 and Q5_1: bit e of the block's 32-bit qh belongs to element e, and elements
// 4i..4i+3 (or 16+4i..) sit in the 4 bytes of qs word i (low or high nibbles).
#ifndef DEQUANT_FIFTH_BIT_GLSL
#define DEQUANT_FIFTH_BIT_GLSL

// 16 times bits `first` .. `first`+3 of qh, as the 4 elements' fifth-bit values.
vec4 fifthBits(uint qh, uint first)
{
    const uint h = qh >> first;
    return 16.0 * vec4(h & 1u, (h >> 1) & 1u, (h >> 2) & 1u, (h >> 3) & 1u);
}

// The same bits moved to bit 4 of each byte of a word, to OR into 4 packed nibbles.
uint fifthBitBytes(uint qh, uint first)
{
    const uint h = qh >> first;
    return ((h & 1u) | ((h & 2u) << 7) | ((h & 4u) << 14) | ((h & 8u) << 21)) << 4;
}

#endif
