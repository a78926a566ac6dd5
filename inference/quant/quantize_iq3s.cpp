// IQ3_S reference quantizer without an importance matrix (ggml's quantize_row_iq3_s_impl with
// iq3xs_init_impl's map and neighbour lists): our own code, step for step with the same float
// operations in the same order, so the bytes equal llama-quantize's.
#include "quant/blocks.h"
#include "quant/float_convert.h"
#include "quant/iq_tables.h"
#include "quant/quantize.h"
#include "util/result.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

namespace hearth {

namespace {

constexpr int kMaxQ = 8; // grid magnitudes are 2l + 1 for l in 0..7
constexpr int kRun = 32; // elements per 4-bit scale

// As ggml's nearest_int: round to nearest, ties to even, for |value| < 2^22.
int nearestInt(float value)
{
    const float shifted = value + 12582912.f;
    int32_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    return (bits & 0x007fffff) - 0x00400000;
}

int8_t gridByte(int index, int i)
{
    return static_cast<int8_t>((kIq3sGrid[index] >> (8 * i)) & 0xff);
}

// Four levels 0..7 packed 3 bits each: the key of a point of the 8⁴ lattice.
int latticeKey(const int8_t* l)
{
    int key = 0;
    for (int i = 0; i < 4; ++i)
        key |= l[i] << (3 * i);
    return key;
}

// Which lattice points are grid points (their index), and for the others the grid points at the
// three smallest squared distances, nearest first and by index within a distance (as ggml sorts).
struct Iq3sSearchTables {
    int map[4096]; // grid index, or -(offset + 1) into neighbours
    std::vector<uint16_t> neighbours; // at an offset: count, then that many grid indices

    Iq3sSearchTables()
    {
        std::fill(std::begin(map), std::end(map), -1);
        for (int g = 0; g < 512; ++g) {
            int8_t l[4];
            for (int i = 0; i < 4; ++i)
                l[i] = static_cast<int8_t>((gridByte(g, i) - 1) / 2);
            map[latticeKey(l)] = g;
        }
        std::vector<std::pair<int, int>> byDistance(512);
        for (int key = 0; key < 4096; ++key) {
            if (map[key] >= 0) continue;
            for (int g = 0; g < 512; ++g) {
                int d2 = 0;
                for (int i = 0; i < 4; ++i) {
                    const int diff = gridByte(g, i) - (2 * ((key >> (3 * i)) & 7) + 1);
                    d2 += diff * diff;
                }
                byDistance[g] = { d2, g };
            }
            std::sort(byDistance.begin(), byDistance.end());
            map[key] = -static_cast<int>(neighbours.size() + 1);
            const size_t countAt = neighbours.size();
            neighbours.push_back(0);
            int distance = byDistance[0].first, distances = 1;
            for (const auto& [d2, g] : byDistance) {
                if (d2 > distance) {
                    if (distances == 3) break;
                    distance = d2;
                    ++distances;
                }
                neighbours.push_back(static_cast<uint16_t>(g));
            }
            neighbours[countAt] = static_cast<uint16_t>(neighbours.size() - countAt - 1);
        }
    }
};

const Iq3sSearchTables& searchTables()
{
    static const Iq3sSearchTables tables;
    return tables;
}

// The grid index for the four levels at L (0..7): the point itself if it is on the grid, else the
// neighbour nearest to x / scale in weighted squared error, whose levels then replace L's.
int gridIndexFor(const Iq3sSearchTables& t, int8_t* L, const float* xval, const float* weight, float scale,
    bool* onGrid = nullptr)
{
    const int mapped = t.map[latticeKey(L)];
    if (onGrid) *onGrid = mapped >= 0;
    if (mapped >= 0) return mapped;
    const uint16_t* list = t.neighbours.data() + (-mapped - 1);
    float bestD2 = FLT_MAX;
    int best = -1;
    for (int j = 1; j <= list[0]; ++j) {
        float d2 = 0;
        for (int i = 0; i < 4; ++i) {
            const float q = gridByte(list[j], i);
            const float diff = scale * q - xval[i];
            d2 += weight[i] * diff * diff;
        }
        if (d2 < bestD2) {
            bestD2 = d2;
            best = list[j];
        }
    }
    HEARTH_CHECK(best >= 0);
    for (int i = 0; i < 4; ++i)
        L[i] = static_cast<int8_t>((gridByte(best, i) - 1) / 2);
    return best;
}

// Levels of 4 magnitudes for the inverse scale `id` (0..7, magnitude 2l + 1).
void roundLevels(const float* xval, float id, int8_t* L)
{
    for (int i = 0; i < 4; ++i) {
        const int l = nearestInt(0.5f * (id * xval[i] - 1));
        L[i] = static_cast<int8_t>(std::max(0, std::min(kMaxQ - 1, l)));
    }
}

// Σ w·x·q and Σ w·q² over a run for the magnitudes q = 2L + 1.
void fitSums(const float* weight, const float* xval, const int8_t* L, float& sumQX, float& sumQ2)
{
    sumQX = 0;
    sumQ2 = 0;
    for (int i = 0; i < kRun; ++i) {
        const float w = weight[i];
        const float q = 2 * L[i] + 1;
        sumQX += w * xval[i] * q;
        sumQ2 += w * q * q;
    }
}

// One run of 32: picks the grid points and the run's scale, writes its 8 grid indices (qs, and the
// ninth bits into qh bits 0..7 of `qhByte`) and 4 sign bytes; returns the scale (0 for a zero run).
float quantizeRun(const Iq3sSearchTables& t, const float* xb, uint8_t* qs, uint8_t& qhByte, uint8_t* signs)
{
    float weight[kRun], waux[kRun], xval[kRun];
    int8_t L[kRun], Laux[kRun];
    bool onGrid[kRun / 4], onGridAux[kRun / 4];
    uint8_t runSigns[kRun / 8];
    for (int i = 0; i < kRun; ++i)
        weight[i] = xb[i] * xb[i];
    for (int i = 0; i < kRun; ++i)
        waux[i] = std::sqrt(weight[i]);
    // Magnitudes and sign bits.
    for (int k = 0; k < kRun / 8; ++k) {
        uint8_t s = 0;
        for (int i = 0; i < 8; ++i) {
            if (xb[8 * k + i] >= 0) {
                xval[8 * k + i] = xb[8 * k + i];
            } else {
                xval[8 * k + i] = -xb[8 * k + i];
                s = static_cast<uint8_t>(s | (1 << i));
            }
        }
        runSigns[k] = s;
    }
    float max = xval[0];
    for (int i = 1; i < kRun; ++i)
        max = std::max(max, xval[i]);
    if (max == 0.0f) return 0.f; // the block was zeroed: indices 0, no signs
    // Sweep 19 scales around max / 15, snapping every group of 4 to the grid; keep the best fit.
    float best = 0;
    float scale = max / (2 * kMaxQ - 1);
    std::fill(std::begin(onGrid), std::end(onGrid), false);
    std::fill(std::begin(L), std::end(L), int8_t(0));
    for (int is = -9; is <= 9; ++is) {
        const float id = (2 * kMaxQ - 1 + is * 0.2f) / max;
        const float thisScale = 1 / id;
        for (int k = 0; k < kRun / 4; ++k) {
            roundLevels(xval + 4 * k, id, Laux + 4 * k);
            gridIndexFor(t, Laux + 4 * k, xval + 4 * k, waux + 4 * k, thisScale, &onGridAux[k]);
        }
        float sumQX, sumQ2;
        fitSums(weight, xval, Laux, sumQX, sumQ2);
        if (sumQ2 > 0 && sumQX * sumQX > best * sumQ2) {
            scale = sumQX / sumQ2;
            best = scale * sumQX;
            std::copy(std::begin(Laux), std::end(Laux), L);
            std::copy(std::begin(onGridAux), std::end(onGridAux), onGrid);
        }
    }
    // Points that left the grid: re-round every group against the fitted scale and refit.
    const bool anyOff = std::find(std::begin(onGrid), std::end(onGrid), false) != std::end(onGrid);
    if (anyOff && scale > 0) {
        const float id = 1 / scale;
        for (int k = 0; k < kRun / 4; ++k) {
            roundLevels(xval + 4 * k, id, L + 4 * k);
            gridIndexFor(t, L + 4 * k, xval + 4 * k, waux + 4 * k, scale);
        }
        float sumQX, sumQ2;
        fitSums(weight, xval, L, sumQX, sumQ2);
        if (sumQ2 > 0) scale = sumQX / sumQ2;
    }
    if (scale < 0) {
        // ggml's guard: scales are stored unsigned, so flip the scale and every sign.
        scale = -scale;
        for (uint8_t& s : runSigns)
            s = static_cast<uint8_t>(~s);
    }
    for (int k = 0; k < kRun / 4; ++k) {
        const int index = t.map[latticeKey(L + 4 * k)];
        HEARTH_CHECK(index >= 0);
        qs[k] = static_cast<uint8_t>(index & 255);
        qhByte = static_cast<uint8_t>(qhByte | ((index >> 8) << k));
    }
    std::memcpy(signs, runSigns, sizeof runSigns);
    return scale;
}

} // namespace

void quantizeIQ3_S(const float* src, uint8_t* dst, size_t count)
{
    HEARTH_CHECK(count % kSuperBlock == 0);
    const Iq3sSearchTables& tables = searchTables();
    for (size_t b = 0; b < count / kSuperBlock; ++b, src += kSuperBlock, dst += sizeof(BlockIQ3_S)) {
        std::memset(dst, 0, sizeof(BlockIQ3_S));
        uint8_t* qs = dst + 2;
        uint8_t* qh = dst + 66;
        uint8_t* signs = dst + 74;
        uint8_t* scaleBytes = dst + 106;
        float scales[kSuperBlock / kRun];
        float maxScale = 0;
        for (int run = 0; run < kSuperBlock / kRun; ++run) {
            scales[run] = quantizeRun(tables, src + kRun * run, qs + 8 * run, qh[run], signs + 4 * run);
            maxScale = std::max(maxScale, scales[run]);
        }
        if (maxScale == 0.0f) continue;
        // Run scales to 4 bits s with scale ≈ d·(2s + 1); ggml stores d a little larger (1.033).
        const float d = maxScale / 31;
        const uint16_t dh = floatToHalf(d * 1.033f);
        std::memcpy(dst, &dh, 2);
        const float id = 1 / d;
        for (int run = 0; run < kSuperBlock / kRun; run += 2) {
            const int l1 = std::max(0, std::min(15, nearestInt(0.5f * (id * scales[run] - 1))));
            const int l2 = std::max(0, std::min(15, nearestInt(0.5f * (id * scales[run + 1] - 1))));
            scaleBytes[run / 2] = static_cast<uint8_t>(l1 | (l2 << 4));
        }
    }
}

} // namespace hearth
