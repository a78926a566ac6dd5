// The two halves of a mat-vec workgroup's reduction of its per-thread sums, for the GPU products
// (mul_mat_vec_body.glsl, mul_mat_vec_q8_body.glsl): each subgroup adds its threads' sums into
// `shared float partial[][WG / 4]` (declared by the includer), then, after a barrier, one thread adds
// the subgroups'.
#ifndef MAT_VEC_REDUCE_GLSL
#define MAT_VEC_REDUCE_GLSL

// Sum number i of every thread in this subgroup, into partial[i][subgroup].
void publishSubgroupSum(uint i, float value)
{
    const float s = subgroupAdd(value);
    if (subgroupElect())
        partial[i][gl_SubgroupID] = s;
}

// Sum number i over the whole workgroup (after publishSubgroupSum and a barrier).
float workgroupSum(uint i)
{
    float total = 0.0;
    for (uint s = 0u; s < gl_NumSubgroups; ++s)
        total += partial[i][s];
    return total;
}

#endif
