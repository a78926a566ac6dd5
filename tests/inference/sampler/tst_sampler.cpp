// Sampler properties on small distributions that can be checked by hand.
#include "sampler/sampler.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

using namespace hearth;

namespace {

// Logits whose softmax is exactly `probs`.
std::vector<float> logitsOf(std::initializer_list<double> probs)
{
    std::vector<float> logits;
    for (double p : probs)
        logits.push_back(static_cast<float>(std::log(p)));
    return logits;
}

SamplerSettings plain(float temperature = 1.0f)
{
    SamplerSettings s;
    s.temperature = temperature;
    s.topK = 0;
    s.topP = 1.0f;
    s.minP = 0.0f;
    s.repeatPenalty = 1.0f;
    return s;
}

} // namespace

class TestSampler : public QObject {
    Q_OBJECT

private slots:
    void greedyIsArgmax()
    {
        const std::vector<float> logits { 0.1f, 2.5f, -1.0f, 2.4f };
        QCOMPARE(sample(logits, plain(0.0f), {}, 0.999), 1);
        // Ties go to the lowest id.
        const std::vector<float> tied { 1.0f, 3.0f, 3.0f };
        QCOMPARE(sample(tied, plain(0.0f), {}, 0.5), 1);
        // A broken forward pass (NaN logits) still gives a token inside the vocabulary.
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const std::vector<float> someNan { nan, 0.5f, nan, 2.0f };
        QCOMPARE(sample(someNan, plain(0.0f), {}, 0.5), 3);
        const std::vector<float> allNan { nan, nan, nan };
        QCOMPARE(sample(allNan, plain(0.0f), {}, 0.5), 0);
    }

    void topKOneIsArgmax()
    {
        const auto logits = logitsOf({ 0.2, 0.1, 0.6, 0.1 });
        SamplerSettings s = plain(1.5f);
        s.topK = 1;
        for (double coin : { 0.0, 0.3, 0.7, 0.9999 })
            QCOMPARE(sample(logits, s, {}, coin), 2);
    }

    void coinWalksTheDistribution()
    {
        // p = 0.5, 0.3, 0.15, 0.05: cumulative 0.5, 0.8, 0.95, 1.0.
        const auto logits = logitsOf({ 0.5, 0.3, 0.15, 0.05 });
        QCOMPARE(sample(logits, plain(), {}, 0.0), 0);
        QCOMPARE(sample(logits, plain(), {}, 0.49), 0);
        QCOMPARE(sample(logits, plain(), {}, 0.51), 1);
        QCOMPARE(sample(logits, plain(), {}, 0.94), 2);
        QCOMPARE(sample(logits, plain(), {}, 0.9999), 3); // near 1: the last kept token
    }

    void topKKeepsK()
    {
        const auto logits = logitsOf({ 0.5, 0.3, 0.15, 0.05 });
        SamplerSettings s = plain();
        s.topK = 2;
        // Renormalised over the two: 0.625, 0.375.
        QCOMPARE(sample(logits, s, {}, 0.6), 0);
        QCOMPARE(sample(logits, s, {}, 0.64), 1);
        QCOMPARE(sample(logits, s, {}, 0.9999), 1);
    }

    // Over a vocabulary of Llama 3's size with many equal logits, top-k keeps exactly the k most likely,
    // equal logits going to the lower id, whatever the order the tokens come in: at a temperature so
    // high that the k are equally likely, coins at the middle of each k-th draw each of them once, in
    // order, and those are the first k of a full sort.
    void topKOverALargeVocabularyWithTies()
    {
        std::vector<float> logits(128256);
        for (size_t i = 0; i < logits.size(); ++i)
            logits[i] = float((i * 7919) % 1000) / 100.0f; // 0.00 .. 9.99, each value ~128 times
        std::vector<int32_t> order(logits.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(),
            [&](int32_t a, int32_t b) { return logits[a] != logits[b] ? logits[a] > logits[b] : a < b; });
        SamplerSettings s = plain(1e6f);
        for (int k : { 1, 5, 40, 200 }) {
            s.topK = k;
            for (int i = 0; i < k; ++i)
                QCOMPARE(sample(logits, s, {}, (i + 0.5) / k), order[size_t(i)]);
        }
    }

    void topPKeepsSmallestPrefix()
    {
        const auto logits = logitsOf({ 0.15, 0.5, 0.05, 0.3 });
        SamplerSettings s = plain();
        s.topP = 0.75f; // 0.5 + 0.3 reaches it: ids 1 and 3 stay
        QCOMPARE(sample(logits, s, {}, 0.9999), 3);
        QCOMPARE(sample(logits, s, {}, 0.6), 1); // 0.625 of the renormalised mass is id 1
        QCOMPARE(sample(logits, s, {}, 0.64), 3);
        s.topP = 0.4f; // the first token alone reaches it
        QCOMPARE(sample(logits, s, {}, 0.9999), 1);
    }

    void minPRemovesUnlikely()
    {
        const auto logits = logitsOf({ 0.5, 0.3, 0.15, 0.05 });
        SamplerSettings s = plain();
        s.minP = 0.2f; // threshold 0.1: id 3 (0.05) goes, id 2 (0.15) stays
        QCOMPARE(sample(logits, s, {}, 0.9999), 2);
        s.minP = 0.5f; // threshold 0.25: ids 0 and 1 stay
        QCOMPARE(sample(logits, s, {}, 0.9999), 1);
        s.minP = 0.9f;
        QCOMPARE(sample(logits, s, {}, 0.9999), 0);
    }

    void temperatureFlattensAndSharpens()
    {
        const auto logits = logitsOf({ 0.5, 0.3, 0.15, 0.05 });
        // Very hot: nearly uniform, so a coin of 0.3 lands on the second token.
        QCOMPARE(sample(logits, plain(1000.0f), {}, 0.3), 1);
        QCOMPARE(sample(logits, plain(1000.0f), {}, 0.8), 3);
        // At 1 the same coin stays with the first (mass 0.5).
        QCOMPARE(sample(logits, plain(1.0f), {}, 0.3), 0);
        // Very cold: the first token takes nearly all the mass.
        QCOMPARE(sample(logits, plain(0.01f), {}, 0.9999), 0);
    }

    void repetitionPenalty()
    {
        SamplerSettings s = plain(0.0f);
        s.repeatPenalty = 1.1f;
        s.repeatWindow = 2;
        const std::vector<int32_t> recent { 0 };
        // Positive logits are divided: 2.0 / 1.1 = 1.82 < 1.9.
        QCOMPARE(sample(std::vector<float> { 2.0f, 1.9f }, s, recent, 0.5), 1);
        // Negative logits are multiplied: -1.0 * 1.1 = -1.1 < -1.05.
        QCOMPARE(sample(std::vector<float> { -1.0f, -1.05f }, s, recent, 0.5), 1);
        // Outside the window the token is not penalised.
        const std::vector<int32_t> old { 0, 1, 1 };
        QCOMPARE(sample(std::vector<float> { 2.0f, 1.0f }, s, old, 0.5), 0);
        // Off at 1.0.
        s.repeatPenalty = 1.0f;
        QCOMPARE(sample(std::vector<float> { 2.0f, 1.9f }, s, recent, 0.5), 0);
    }

    void rngIsSeededAndUniform()
    {
        SamplerRng a(42), b(42), c(43);
        bool differs = false;
        for (int i = 0; i < 100; ++i) {
            const double x = a.nextCoin();
            QCOMPARE(x, b.nextCoin());
            if (x != c.nextCoin()) differs = true;
            QVERIFY(x >= 0.0 && x < 1.0);
        }
        QVERIFY(differs);
        QVERIFY(SamplerRng(0).seed() != 0);
    }

    void drawsFollowTheDistribution()
    {
        const auto logits = logitsOf({ 0.5, 0.3, 0.15, 0.05 });
        SamplerRng rng(7);
        int counts[4] = {};
        const int n = 40000;
        for (int i = 0; i < n; ++i)
            ++counts[sample(logits, plain(), {}, rng.nextCoin())];
        const double expected[4] = { 0.5, 0.3, 0.15, 0.05 };
        for (int k = 0; k < 4; ++k)
            QVERIFY(std::abs(counts[k] / double(n) - expected[k]) < 0.01);
    }
};

QTEST_APPLESS_MAIN(TestSampler)
#include "tst_sampler.moc"
