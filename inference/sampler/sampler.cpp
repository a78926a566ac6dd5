#include "sampler/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <unordered_set>
#include <vector>

namespace hearth {

namespace {

struct Candidate {
    int32_t id;
    float logit;
    float p = 0;
};

// Most likely first; equal logits by id, so results never depend on the sort's stability.
bool moreLikely(const Candidate& a, const Candidate& b)
{
    return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
}

// The largest logit, over eight independent running maxima: one running maximum is a chain of
// dependent comparisons (0.25 ms over 128k logits here); eight vectorise.
float largest(std::span<const float> logits)
{
    constexpr size_t kLanes = 8;
    float lanes[kLanes];
    std::fill(std::begin(lanes), std::end(lanes), -std::numeric_limits<float>::infinity());
    size_t i = 0;
    for (; i + kLanes <= logits.size(); i += kLanes)
        for (size_t j = 0; j < kLanes; ++j)
            lanes[j] = std::max(lanes[j], logits[i + j]);
    for (; i < logits.size(); ++i)
        lanes[0] = std::max(lanes[0], logits[i]);
    return *std::max_element(std::begin(lanes), std::end(lanes));
}

// The k most likely tokens, most likely first, in one pass over the vocabulary: a heap holds the best
// k so far with the least likely of them on top, so nearly every token costs one comparison. (A
// partial sort of all 128k candidates took ~1 ms per token, as long as a GPU's whole decode step.)
std::vector<Candidate> mostLikely(std::span<const float> logits, int32_t k)
{
    std::vector<Candidate> best;
    best.reserve(static_cast<size_t>(k));
    const auto vocab = static_cast<int32_t>(logits.size());
    int32_t id = 0;
    for (; id < vocab && static_cast<int32_t>(best.size()) < k; ++id)
        best.push_back({ id, logits[id] });
    std::make_heap(best.begin(), best.end(), moreLikely);
    // A later id never beats an equal logit, so only a larger one enters.
    float threshold = best.front().logit;
    for (; id < vocab; ++id) {
        if (!(logits[id] > threshold)) continue;
        std::pop_heap(best.begin(), best.end(), moreLikely);
        best.back() = { id, logits[id] };
        std::push_heap(best.begin(), best.end(), moreLikely);
        threshold = best.front().logit;
    }
    std::sort(best.begin(), best.end(), moreLikely);
    return best;
}

void softmax(std::vector<Candidate>& candidates, float temperature)
{
    const float maxLogit = candidates.front().logit; // sorted: the first is the largest
    double sum = 0;
    for (auto& c : candidates) {
        c.p = std::exp((c.logit - maxLogit) / temperature);
        sum += c.p;
    }
    for (auto& c : candidates)
        c.p = static_cast<float>(c.p / sum);
}

} // namespace

int32_t sample(std::span<const float> logits, const SamplerSettings& settings,
    std::span<const int32_t> recentTokens, double coin)
{
    if (logits.empty()) return -1;
    const auto vocab = static_cast<int32_t>(logits.size());

    // 1. Repetition penalty: tokens seen in the window become less likely (divide a positive
    //    logit, multiply a negative one), each token once however often it appeared.
    std::vector<std::pair<int32_t, float>> penalised;
    if (settings.repeatPenalty != 1.0f && settings.repeatWindow > 0 && !recentTokens.empty()) {
        const size_t window = std::min(recentTokens.size(), static_cast<size_t>(settings.repeatWindow));
        std::unordered_set<int32_t> seen(recentTokens.end() - window, recentTokens.end());
        for (int32_t id : seen) {
            if (id < 0 || id >= vocab) continue;
            const float l = logits[id];
            penalised.emplace_back(id, l > 0 ? l / settings.repeatPenalty : l * settings.repeatPenalty);
        }
    }
    std::vector<float> adjusted;
    std::span<const float> working = logits;
    if (!penalised.empty()) {
        adjusted.assign(logits.begin(), logits.end());
        for (auto [id, l] : penalised)
            adjusted[id] = l;
        working = adjusted;
    }

    // 2. Greedy: the argmax (lowest id on ties; NaN logits never win, and all NaN gives token 0).
    if (settings.temperature <= 0.0f) {
        const auto best = std::find(working.begin(), working.end(), largest(working));
        return best == working.end() ? 0 : static_cast<int32_t>(best - working.begin());
    }

    // 3. Top-k: the k most likely, found without sorting the whole vocabulary (128k entries).
    //    Without top-k, min-p's cut (p >= minP * pmax, i.e. logit >= max + ln(minP)) is applied
    //    first for the same reason; the normaliser of the full distribution is kept for top-p.
    std::vector<Candidate> candidates;
    double normaliser = 0;
    const bool topK = settings.topK > 0 && settings.topK < vocab;
    if (topK) candidates = mostLikely(working, settings.topK);
    const float maxLogit = topK ? candidates.front().logit : largest(working);
    if (topK) {
        for (const auto& c : candidates)
            normaliser += std::exp(c.logit - maxLogit);
    } else {
        const float floor = settings.minP > 0.0f ? maxLogit + std::log(settings.minP)
                                                 : -std::numeric_limits<float>::infinity();
        for (int32_t id = 0; id < vocab; ++id) {
            normaliser += std::exp(working[id] - maxLogit);
            if (working[id] >= floor) candidates.push_back({ id, working[id] });
        }
        std::sort(candidates.begin(), candidates.end(), moreLikely);
    }

    // 4. Top-p: the smallest prefix whose probability reaches p (at least one token).
    if (settings.topP < 1.0f) {
        double cumulative = 0;
        size_t keep = candidates.size();
        for (size_t i = 0; i < candidates.size(); ++i) {
            cumulative += std::exp(candidates[i].logit - maxLogit) / normaliser;
            if (cumulative >= settings.topP) {
                keep = i + 1;
                break;
            }
        }
        candidates.resize(keep);
    }

    // 5. Min-p: drop tokens less likely than minP times the most likely one.
    if (settings.minP > 0.0f) {
        const float floor = maxLogit + std::log(settings.minP);
        size_t keep = 1;
        while (keep < candidates.size() && candidates[keep].logit >= floor)
            ++keep;
        candidates.resize(keep);
    }

    // 6. Temperature, then the draw.
    softmax(candidates, settings.temperature);
    const double target = std::clamp(coin, 0.0, 1.0);
    double cumulative = 0;
    for (const auto& c : candidates) {
        cumulative += c.p;
        if (target < cumulative) return c.id;
    }
    return candidates.back().id; // coin at (or rounding beyond) the total
}

SamplerRng::SamplerRng(uint64_t seed)
    : m_seed(seed)
{
    if (m_seed == 0) {
        std::random_device device;
        m_seed = (static_cast<uint64_t>(device()) << 32) | device();
        if (m_seed == 0) m_seed = 1;
    }
    // splitmix64 expands the seed into the generator's state.
    uint64_t x = m_seed;
    for (auto& s : m_state) {
        x += 0x9E3779B97F4A7C15ull;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        s = z ^ (z >> 31);
    }
}

uint64_t SamplerRng::next()
{
    auto rotl = [](uint64_t v, int k) { return (v << k) | (v >> (64 - k)); };
    const uint64_t result = rotl(m_state[1] * 5, 7) * 9;
    const uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
}

double SamplerRng::nextCoin()
{
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

} // namespace hearth
