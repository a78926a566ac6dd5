// The push constants a q|k|v product with ROPE_STORE adds at the end of its block (rope_store_rows.glsl).
uint qDim;        // headCount * headDim; y is the q buffer, (T, qDim)
uint kvDim;       // kvHeadCount * headDim
uint headDim;
float freqBase;
uint hasFactors;
