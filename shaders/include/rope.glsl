// RoPE in the adjacent-pair llama form, with Llama 3.1's frequency factors: pair i of a head (its
// elements 2i and 2i + 1) at position pos turns by theta = pos * base^(-2i / headDim) / factor_i.
// The including shader declares the factors as `float factors[]` (one per pair, read when hasFactors).
#ifndef ROPE_GLSL
#define ROPE_GLSL

vec2 ropeRotate(vec2 v, uint i, uint pos, uint headDim, float freqBase, bool hasFactors)
{
    float freq = pow(freqBase, -2.0 * float(i) / float(headDim));
    if (hasFactors)
        freq /= factors[i];
    const float theta = float(pos) * freq;
    const float c = cos(theta);
    const float s = sin(theta);
    return vec2(v.x * c - v.y * s, v.x * s + v.y * c);
}

#endif
