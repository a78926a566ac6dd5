// The push constants every mat-vec product starts with, mirroring MatVecPush (ops.h); the including
// shader's header says the units of xOffset and xStride (floats, or 16-byte words of q8 activations).
uint rows;        // rows to compute (M)
uint cols;        // K, a multiple of the shader's unit
uint xOffset;     // token 0's activations
uint xStride;     // between tokens
uint yOffset;     // floats
uint yStride;     // floats between tokens
uint accumulate;  // 1: y += result (the residual connection)
uint pairOffset;  // SWIGLU: rows between a gate row and its up row
