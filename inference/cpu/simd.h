// What the SIMD inner loops of inference/cpu share: on x86-64, HEARTH_AVX2 marks a function compiled
// for AVX2/FMA/F16C (chosen at run time by haveAvx2(), so the rest of the library stays portable),
// hsum adds the eight lanes of a register and hmax takes their largest.
#pragma once

#if defined(__x86_64__)
#include <immintrin.h>
#define HEARTH_X86 1
#define HEARTH_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace hearth::cpu {

HEARTH_AVX2 inline float hsum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

HEARTH_AVX2 inline float hmax(__m256 v)
{
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

} // namespace hearth::cpu
#endif
