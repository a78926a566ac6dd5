// The last step of the decode mat-vec shaders (mul_mat_vec_body.glsl, mul_mat_vec_q8_body.glsl): row
// `row` of token t from its DOTS sums — silu(gate) * up with SWIGLU — stored into y (added with
// p.accumulate), or, with ROPE_STORE, kept in rowValues[tid] for ropeStoreRows.
#ifndef MUL_MAT_VEC_STORE_GLSL
#define MUL_MAT_VEC_STORE_GLSL

void storeRow(uint tid, uint row, uint t, float sums[DOTS])
{
#ifdef SWIGLU
    const float value = sums[0] / (1.0 + exp(-sums[0])) * sums[1];
#else
    const float value = sums[0];
#endif
#ifdef ROPE_STORE
    rowValues[tid] = value;
#else
    const uint yi = p.yOffset + t * p.yStride + row;
    y[yi] = p.accumulate != 0u ? y[yi] + value : value;
#endif
}

#endif
