// Q5_K weights: Q4_K's layout plus a fifth bit per element (qh); the code is shared with Q4_K
// (q4_k.glsl, under TYPE_Q5_K). Access forms: see ../dequant.glsl.
#include "dequant/q4_k.glsl"
