// IQ4_NL's (and IQ4_XS's) non-linear levels: a nibble q stands for kIq4nlValues[q] (inference/quant/
// iq_tables.h) times the block scale. The 16 int8 levels are packed four to a word and picked with
// selects and a shift: no table in memory, which a CPU device (lavapipe) would gather lane by lane.
#ifndef DEQUANT_IQ4_VALUES_GLSL
#define DEQUANT_IQ4_VALUES_GLSL

// -127, -104, -83, -65 | -49, -35, -22, -10 | 1, 13, 25, 38 | 53, 69, 89, 113, as bytes.
const uvec4 kIq4nlPacked = uvec4(0xBFAD9881u, 0xF6EADDCFu, 0x26190D01u, 0x71594535u);

float iq4Value(uint q)
{
    const uint w = q < 8u ? (q < 4u ? kIq4nlPacked.x : kIq4nlPacked.y) : (q < 12u ? kIq4nlPacked.z : kIq4nlPacked.w);
    return float(int(w << (24u - 8u * (q & 3u))) >> 24);
}

// The levels of the 4 nibbles at `shift` of the word's 4 bytes.
vec4 iq4Values(uint word, uint shift)
{
    return vec4(iq4Value((word >> shift) & 0xFu), iq4Value((word >> (shift + 8u)) & 0xFu),
                iq4Value((word >> (shift + 16u)) & 0xFu), iq4Value((word >> (shift + 24u)) & 0xFu));
}

#endif
