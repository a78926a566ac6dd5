// Maximum and sum over a workgroup: within each subgroup, then across subgroups through shared memory.
// Every invocation must call them (they contain barriers) and gets the result. The including shader
// enables GL_KHR_shader_subgroup_arithmetic and declares `shared float reduceTmp[N]`, N at least the
// number of subgroups (WG / 4 covers subgroups of 4 and more).
#ifndef WORKGROUP_REDUCE_GLSL
#define WORKGROUP_REDUCE_GLSL

float reduceMax(float v)
{
    v = subgroupMax(v);
    if (subgroupElect())
        reduceTmp[gl_SubgroupID] = v;
    barrier();
    float r = reduceTmp[0];
    for (uint s = 1u; s < gl_NumSubgroups; ++s)
        r = max(r, reduceTmp[s]);
    barrier();
    return r;
}

float reduceSum(float v)
{
    v = subgroupAdd(v);
    if (subgroupElect())
        reduceTmp[gl_SubgroupID] = v;
    barrier();
    float r = 0.0;
    for (uint s = 0u; s < gl_NumSubgroups; ++s)
        r += reduceTmp[s];
    barrier();
    return r;
}

#endif
