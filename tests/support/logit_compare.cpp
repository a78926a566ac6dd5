#include "logit_compare.h"

#include <algorithm>
#include <cmath>

namespace hearth::test {

Tolerance toleranceFor(TensorType type)
{
    switch (type) {
    case TensorType::F32:
        return { 2e-3, 1e-5, 5e-5 };
    case TensorType::F16:
    case TensorType::BF16:
        return { 1e-2, 1e-3, 2e-3 };
    default:
        return { 3e-2, 5e-3, 1e-2 };
    }
}

Comparison compareLogits(const float* ours, const float* ref, size_t positions, size_t vocab)
{
    Comparison c;
    for (size_t p = 0; p < positions; ++p) {
        const float* a = ours + p * vocab;
        const float* r = ref + p * vocab;
        const auto [rMin, rMax] = std::minmax_element(r, r + vocab);
        const double aMax = *std::max_element(a, a + vocab);
        double diff = 0, zr = 0, za = 0;
        for (size_t i = 0; i < vocab; ++i) {
            diff = std::max(diff, std::fabs(double(a[i]) - r[i]));
            zr += std::exp(double(r[i]) - *rMax);
            za += std::exp(double(a[i]) - aMax);
        }
        double kl = 0;
        for (size_t i = 0; i < vocab; ++i) {
            const double lr = double(r[i]) - *rMax - std::log(zr);
            const double la = double(a[i]) - aMax - std::log(za);
            kl += std::exp(lr) * (lr - la);
        }
        c.maxDiff = std::max(c.maxDiff, diff / (double(*rMax) - *rMin));
        c.maxKl = std::max(c.maxKl, kl);
        c.meanKl += kl / double(positions);
    }
    return c;
}

} // namespace hearth::test
