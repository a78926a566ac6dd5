#include "vulkan/tuner.h"

#include "vulkan/tuner_questions.h"
#include "vulkan/tuning_cache.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>

namespace hearth::vk {

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint32_t kPrefillTokens = 512; // at most: the backend's batch when smaller
constexpr uint32_t kAttentionPosition = 1024; // at most: the context when shorter
constexpr double kTimedSeconds = 0.004; // each timed submit repeats the workload about this long
constexpr int kTimedSubmits = 3; // the best of these

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

// Relative L2 distance of `a` from `ref`; infinite when either holds a NaN or infinity.
double relativeDifference(const std::vector<float>& a, const std::vector<float>& ref)
{
    double diff = 0, norm = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i]) || !std::isfinite(ref[i])) return INFINITY;
        diff += (double(a[i]) - ref[i]) * (double(a[i]) - ref[i]);
        norm += double(ref[i]) * ref[i];
    }
    return std::sqrt(diff) / std::max(std::sqrt(norm), 1e-30);
}

// The tuner's buffers with random contents, destroyed (and the descriptor sets naming them
// forgotten) with it.
class Scratch {
public:
    Scratch(const TunerDevice& dev)
        : m_dev(dev)
    {
    }
    ~Scratch()
    {
        if (!m_created) return;
        vkDeviceWaitIdle(m_dev.device.handle());
        m_dev.descriptors.clear();
        for (Buffer* b : all())
            if (b->buffer) m_dev.allocator.destroy(*b);
    }

    Status create(const TuningShapes& shapes, Recorder& rec)
    {
        const TuningBufferSizes size = tuningBufferSizes(shapes);
        const uint64_t partials = attentionPartialsBytes(
            { shapes.model.config.headCount, shapes.model.config.kvHeadCount, shapes.model.config.headDim });
        const uint64_t uploadBytes = size.x + size.q + 2 * size.kv;
        m_created = true;
        struct Need {
            Buffer* buffer;
            uint64_t bytes;
            MemoryKind kind;
        };
        for (const Need& n :
            { Need { &b.x, size.x, MemoryKind::DeviceLocal }, Need { &b.y, size.y, MemoryKind::DeviceLocal },
                Need { &b.q8, size.q8, MemoryKind::DeviceLocal },
                Need { &b.q, size.q, MemoryKind::DeviceLocal },
                Need { &b.k, size.kv, MemoryKind::DeviceLocal },
                Need { &b.v, size.kv, MemoryKind::DeviceLocal },
                Need { &b.att, size.att, MemoryKind::DeviceLocal },
                Need { &b.partials, partials, MemoryKind::DeviceLocal },
                Need { &b.step, 16, MemoryKind::Upload }, Need { &readback, size.y, MemoryKind::Readback },
                Need { &upload, uploadBytes, MemoryKind::Upload } }) {
            auto buffer = m_dev.allocator.create(n.bytes, n.kind, "kernel tuning");
            if (!buffer) return buffer.error();
            *n.buffer = *buffer;
        }
        // Inputs in [-1, 1); the cache's halves in [0.125, 1) with either sign.
        std::mt19937 random(1234);
        std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
        auto* floats = static_cast<float*>(upload.mapped);
        for (uint64_t i = 0; i < (size.x + size.q) / 4; ++i)
            floats[i] = uniform(random);
        auto* halves = reinterpret_cast<uint16_t*>(static_cast<char*>(upload.mapped) + size.x + size.q);
        for (uint64_t i = 0; i < size.kv; ++i)
            halves[i]
                = uint16_t(((random() & 1u) << 15) | ((12u + random() % 3u) << 10) | (random() & 0x3ffu));
        const uint32_t position = shapes.attentionPosition;
        std::memcpy(b.step.mapped, &position, sizeof(position));
        if (Status s = rec.begin(); !s.ok()) return s;
        rec.copy({ upload.buffer, 0, size.x }, whole(b.x));
        rec.copy({ upload.buffer, size.x, size.q }, whole(b.q));
        rec.copy({ upload.buffer, size.x + size.q, size.kv }, whole(b.k));
        rec.copy({ upload.buffer, size.x + size.q + size.kv, size.kv }, whole(b.v));
        rec.fill(whole(b.partials), 0); // split attention's counters start at zero (attention.h)
        return rec.submitAndWait();
    }

    TuningBuffers b;
    Buffer readback, upload;

private:
    std::vector<Buffer*> all()
    {
        return { &b.x, &b.y, &b.q8, &b.q, &b.k, &b.v, &b.att, &b.partials, &b.step, &readback, &upload };
    }

    const TunerDevice& m_dev;
    bool m_created = false;
};

class Tuner {
public:
    Tuner(const TunerDevice& dev, KernelTuningReport& report)
        : m_dev(dev)
        , m_report(report)
        , m_rec(dev.device, dev.pipelines, dev.descriptors)
    {
    }

    Recorder& recorder() { return m_rec; }

    // Answers `q` starting from `config` (updated with the choice); false when the budget ran out
    // before every candidate was tried (or the reference was unusable): then nothing is cached.
    Result<bool> answer(const TuningQuestion& q, KernelConfig& config, Scratch& scratch,
        Clock::time_point deadline, const std::function<void(const std::string&)>& tried)
    {
        std::vector<float> reference;
        std::optional<size_t> best;
        bool complete = true;
        const size_t firstTrial = m_report.trials.size();
        for (size_t i = 0; i < q.candidates.size(); ++i) {
            const TuningCandidate& candidate = q.candidates[i];
            KernelTrial& trial = m_report.trials.emplace_back(KernelTrial { q.name, candidate.name });
            if (Clock::now() > deadline) {
                trial.note = "not tried: budget";
                complete = false;
                continue;
            }
            KernelConfig triedConfig = config;
            candidate.apply(triedConfig);
            m_dev.pipelines.setConfig(triedConfig);
            const ProductPolicy products = productPolicy(m_dev.device, m_dev.pipelines);
            const AttentionPolicy attention = attentionPolicy(m_dev.device, triedConfig);
            auto record = [&](Recorder& rec) {
                if (candidate.wrong)
                    rec.fill(q.output, 0x3f800000u); // 1.0f everywhere: fast and wrong
                else
                    q.record(rec, products, attention);
            };
            // Twice, compared with the reference and with each other (the first run compiles).
            auto first = run(record, q.output, scratch);
            if (!first) return first.error();
            const Clock::time_point started = Clock::now();
            auto second = run(record, q.output, scratch);
            if (!second) return second.error();
            const double once = seconds(started);
            if (i == 0) reference = *first;
            const double error = std::max({ relativeDifference(*first, reference),
                relativeDifference(*second, reference), relativeDifference(*second, *first) });
            trial.valid = error <= q.tolerance;
            if (!trial.valid) {
                char note[96];
                std::snprintf(note, sizeof(note), "rejected: differs from the reference by %.3g (limit %.3g)",
                    error, q.tolerance);
                trial.note = note;
                if (i == 0) return false; // no usable reference: keep the current choice
            }
            const int reps = int(std::clamp(std::ceil(kTimedSeconds / std::max(once, 1e-6)), 1.0, 32.0));
            auto time = timeRuns(record, reps);
            if (!time) return time.error();
            trial.microseconds = *time * 1e6;
            if (trial.valid
                && (!best || trial.microseconds < m_report.trials[firstTrial + *best].microseconds))
                best = i;
            tried(q.name + ": " + candidate.name);
        }
        if (best) {
            m_report.trials[firstTrial + *best].chosen = true;
            q.candidates[*best].apply(config);
        }
        return complete && best.has_value();
    }

private:
    Result<std::vector<float>> run(
        const std::function<void(Recorder&)>& record, const BufferRef& output, Scratch& scratch)
    {
        if (Status s = m_rec.begin(); !s.ok()) return s.error();
        record(m_rec);
        m_rec.copy(output, { scratch.readback.buffer, 0, output.range });
        if (Status s = m_rec.submitAndWait(); !s.ok()) return s.error();
        m_dev.allocator.invalidate(scratch.readback);
        std::vector<float> out(output.range / sizeof(float));
        std::memcpy(out.data(), scratch.readback.mapped, output.range);
        return out;
    }

    // Seconds per workload: the best of a few submits of `reps` workloads each.
    Result<double> timeRuns(const std::function<void(Recorder&)>& record, int reps)
    {
        double best = INFINITY;
        for (int submit = 0; submit < kTimedSubmits; ++submit) {
            if (Status s = m_rec.begin(); !s.ok()) return s.error();
            for (int r = 0; r < reps; ++r)
                record(m_rec);
            const Clock::time_point started = Clock::now();
            if (Status s = m_rec.submitAndWait(); !s.ok()) return s.error();
            best = std::min(best, seconds(started) / reps);
        }
        return best;
    }

    const TunerDevice& m_dev;
    KernelTuningReport& m_report;
    Recorder m_rec;
};

} // namespace

Result<KernelConfig> tuneKernels(const TunerDevice& dev, const TunerShapes& model, const KernelConfig& base,
    const VulkanTuning& options, KernelTuningReport& report)
{
    const Clock::time_point start = Clock::now();
    const auto deadline = start
        + std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(std::max(0.0, options.budgetSeconds)));
    report = {};
    report.device = dev.device.name();
    const TuningIdentity identity { dev.device.uuid(), dev.device.properties().driverVersion,
        shaderBuildHash() };
    TuningCache cache = options.cachePath.empty() ? TuningCache {} : TuningCache::load(options.cachePath);
    const TuningShapes shapes { model.model, std::min(model.maxBatch, kPrefillTokens),
        std::min(model.contextLength, kAttentionPosition) - 1 };

    // The cached answers first: nothing is allocated or timed when every question has one.
    KernelConfig config = base;
    Scratch scratch(dev);
    std::vector<size_t> open;
    dev.pipelines.setConfig(base);
    const ProductPolicy defaults = productPolicy(dev.device, dev.pipelines);
    std::vector<TuningQuestion> questions = tuningQuestions(dev.device, base, defaults, shapes, scratch.b);
    for (size_t i = 0; i < questions.size(); ++i) {
        const TuningQuestion& q = questions[i];
        const std::optional<std::string> cached = cache.find(identity, q.name, q.shape);
        const auto candidate = std::find_if(q.candidates.begin(), q.candidates.end(),
            [&](const TuningCandidate& c) { return cached && c.name == *cached; });
        if (candidate == q.candidates.end()) {
            open.push_back(i);
            continue;
        }
        candidate->apply(config);
        report.choices.push_back({ q.name, q.shape, candidate->name, true, true });
    }
    report.cached = open.empty();
    if (!open.empty()) {
        Tuner tuner(dev, report);
        if (Status s = scratch.create(shapes, tuner.recorder()); !s.ok()) return s.error();
        questions = tuningQuestions(dev.device, base, defaults, shapes, scratch.b); // now naming the buffers
        size_t total = 0, done = 0;
        for (size_t i : open) {
            if (options.injectWrongVariant)
                questions[i].candidates.push_back({ "injected-wrong", [](KernelConfig&) {}, true });
            total += questions[i].candidates.size();
        }
        auto tried = [&](const std::string& what) {
            ++done;
            if (options.progress) options.progress(float(done) / float(total), what);
        };
        bool cacheChanged = false;
        for (size_t i : open) {
            const TuningQuestion& q = questions[i];
            auto complete = tuner.answer(q, config, scratch, deadline, tried);
            if (!complete) {
                dev.pipelines.setConfig(base);
                return complete.error();
            }
            std::string chosen = q.candidates[0].name;
            for (const KernelTrial& t : report.trials)
                if (t.question == q.name && t.chosen) chosen = t.variant;
            report.choices.push_back({ q.name, q.shape, chosen, false, *complete });
            if (*complete) {
                cache.put(identity, q.name, q.shape, chosen);
                cacheChanged = true;
            }
        }
        if (cacheChanged && !options.cachePath.empty())
            if (Status s = cache.save(options.cachePath); !s.ok()) report.warning = s.error().message;
    }
    dev.pipelines.setConfig(base);
    report.seconds = seconds(start);
    return config;
}

} // namespace hearth::vk
