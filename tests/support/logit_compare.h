// Comparing our logits with a reference the way ../shared/README.md states the tolerance: per position,
// max|ours - ref| / (max(ref) - min(ref)) and KL(ref || ours) of the softmax distributions.
#pragma once

#include "quant/types.h"

#include <cstddef>

namespace hearth::test {

struct Tolerance {
    double maxDiff, meanKl, maxKl;
};

// The table in ../shared/README.md, by the type of the model's matrices.
Tolerance toleranceFor(TensorType type);

struct Comparison {
    double maxDiff = 0, meanKl = 0, maxKl = 0;
};

Comparison compareLogits(const float* ours, const float* ref, size_t positions, size_t vocab);

} // namespace hearth::test
