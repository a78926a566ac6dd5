// The quantized activations of the integer-dot-product path (quantize_q8.comp writes them,
// mul_mat_vec_q8.comp reads them): each token's row of `cols` floats becomes units of 32 elements,
// each 32 int8 values q = round(x / d), d = max|x| / 127, and the pair (d, d * sum(q)) (the sum
// applies offset-carrying weight formats, Q4_0's -8 and the K-quants' mins, once per unit).
// One token's block, in 16-byte words from its start (units = cols / 32):
//   words 2u, 2u + 1   unit u's 32 bytes (element 4i + k in byte k of 32-bit word i)
//   from word 2 units  the (d, d * sum) pairs, 8 bytes per unit
// so the product loads a unit with two uvec4 loads and one vec2 load. Tokens are `stride` words
// apart (q8Stride in products_q8.h: ceil(40 units / 16)).
#ifndef Q8_ACTIVATIONS_GLSL
#define Q8_ACTIVATIONS_GLSL

// Index of unit u's (d, d * sum) pair in a vec2 view of the buffer, for a token block at word `base`.
uint q8PairIndex(uint base, uint units, uint u) { return 2u * base + 4u * units + u; }

#endif
