// GGUF block layouts, mirroring inference/quant/blocks.h byte for byte.
// Shaders read weights as uint32 words (for bandwidth and to need no 8/16-bit storage feature), so a
// block is described by its size and the byte offsets of its fields; the struct each mirrors is in the
// comment beside it.
#ifndef GGUF_BLOCKS_GLSL
#define GGUF_BLOCKS_GLSL

// F32 / F16 / BF16: a "block" is one quad of 4 elements.
#define F32_BLOCK_ELEMS 4
#define F32_BLOCK_BYTES 16
#define F16_BLOCK_ELEMS 4
#define F16_BLOCK_BYTES 8

// struct BlockQ4_0 { f16 d; uint8 qs[16]; }  -- element j: low nibble of qs[j], j+16: high nibble
#define Q4_0_BLOCK_ELEMS 32
#define Q4_0_BLOCK_BYTES 18
#define Q4_0_OFF_D 0
#define Q4_0_OFF_QS 2

// struct BlockQ8_0 { f16 d; int8 qs[32]; }
#define Q8_0_BLOCK_ELEMS 32
#define Q8_0_BLOCK_BYTES 34
#define Q8_0_OFF_D 0
#define Q8_0_OFF_QS 2

// struct BlockQ4_1 { f16 d; f16 m; uint8 qs[16]; }  -- Q4_0's nibble order, weight = d q + m
#define Q4_1_BLOCK_ELEMS 32
#define Q4_1_BLOCK_BYTES 20
#define Q4_1_OFF_DM 0
#define Q4_1_OFF_QS 4

// struct BlockQ5_0 { f16 d; uint8 qh[4]; uint8 qs[16]; }  -- bit j of qh: the fifth bit of element j
#define Q5_0_BLOCK_ELEMS 32
#define Q5_0_BLOCK_BYTES 22
#define Q5_0_OFF_D 0
#define Q5_0_OFF_QH 2
#define Q5_0_OFF_QS 6

// struct BlockQ5_1 { f16 d; f16 m; uint8 qh[4]; uint8 qs[16]; }
#define Q5_1_BLOCK_ELEMS 32
#define Q5_1_BLOCK_BYTES 24
#define Q5_1_OFF_DM 0
#define Q5_1_OFF_QH 4
#define Q5_1_OFF_QS 8

// struct BlockIQ4_NL { f16 d; uint8 qs[16]; }  -- Q4_0's layout, nibbles index kIq4nlValues
#define IQ4_NL_BLOCK_ELEMS 32
#define IQ4_NL_BLOCK_BYTES 18
#define IQ4_NL_OFF_D 0
#define IQ4_NL_OFF_QS 2

// struct BlockIQ4_XS { f16 d; uint16 scalesH; uint8 scalesL[4]; uint8 qs[128]; }  -- eight IQ4_NL runs
// of 32 (run j: qs[16j .. 16j+15]) under d, each with a 6-bit scale
#define IQ4_XS_BLOCK_ELEMS 256
#define IQ4_XS_BLOCK_BYTES 136
#define IQ4_XS_OFF_D 0
#define IQ4_XS_OFF_SCALES_H 2
#define IQ4_XS_OFF_SCALES_L 4
#define IQ4_XS_OFF_QS 8

// struct BlockQ4_K { f16 d; f16 dmin; uint8 scales[12]; uint8 qs[128]; }
#define Q4_K_BLOCK_ELEMS 256
#define Q4_K_BLOCK_BYTES 144
#define Q4_K_OFF_DM 0
#define Q4_K_OFF_SCALES 4
#define Q4_K_OFF_QS 16

// struct BlockQ5_K { f16 d; f16 dmin; uint8 scales[12]; uint8 qh[32]; uint8 qs[128]; }
#define Q5_K_BLOCK_ELEMS 256
#define Q5_K_BLOCK_BYTES 176
#define Q5_K_OFF_DM 0
#define Q5_K_OFF_SCALES 4
#define Q5_K_OFF_QH 16
#define Q5_K_OFF_QS 48

// struct BlockQ6_K { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; f16 d; }
#define Q6_K_BLOCK_ELEMS 256
#define Q6_K_BLOCK_BYTES 210
#define Q6_K_OFF_QL 0
#define Q6_K_OFF_QH 128
#define Q6_K_OFF_SCALES 192
#define Q6_K_OFF_D 208

// struct BlockQ2_K { uint8 scales[16]; uint8 qs[64]; f16 d; f16 dmin; }  -- two halves of 128, each four
// 2-bit planes of 32 bytes; a scale (low nibble) and min (high nibble) per 16 elements
#define Q2_K_BLOCK_ELEMS 256
#define Q2_K_BLOCK_BYTES 84
#define Q2_K_OFF_SCALES 0
#define Q2_K_OFF_QS 16
#define Q2_K_OFF_D 80

// struct BlockQ3_K { uint8 hmask[32]; uint8 qs[64]; uint8 scales[12]; f16 d; }  -- Q2_K's planes, a third
// bit per element in hmask, sixteen signed 6-bit scales packed in 12 bytes, no mins
#define Q3_K_BLOCK_ELEMS 256
#define Q3_K_BLOCK_BYTES 110
#define Q3_K_OFF_HMASK 0
#define Q3_K_OFF_QS 32
#define Q3_K_OFF_SCALES 96
#define Q3_K_OFF_D 108

// struct BlockIQ3_S { f16 d; uint8 qs[64]; uint8 qh[8]; uint8 signs[32]; uint8 scales[4]; }  -- eight runs
// of 32, each eight groups of 4 elements; group g is grid point qs[g] | bit g % 8 of qh[g / 8] << 8 (of
// the 512 in kIq3sGrid: four odd magnitudes 1..15) with sign bits 4g .. 4g+3 of signs; run j's scale
// is d (1 + 2 s_j), s_j nibble j of scales
#define IQ3_S_BLOCK_ELEMS 256
#define IQ3_S_BLOCK_BYTES 110
#define IQ3_S_OFF_D 0
#define IQ3_S_OFF_QS 2
#define IQ3_S_OFF_QH 66
#define IQ3_S_OFF_SIGNS 74
#define IQ3_S_OFF_SCALES 106

#endif
