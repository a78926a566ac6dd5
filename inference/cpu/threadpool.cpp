// ThreadPool: workers spin briefly on a generation counter (a token's matmuls come back to back), then
// sleep on it with a futex wait (std::atomic::wait) so an idle engine costs no CPU.
//
// A job ends when its elements are done, not when every worker has looked at it: on a busy machine a
// worker may not be scheduled for milliseconds, and waiting for each worker to wake once per matmul
// made two threads ~100x slower than one. A worker that wakes after the job is closed just goes back
// to waiting; one that got in before is waited for (m_active), so job fields are never rewritten
// under it.
//
// Priority: Linux keeps a nice value per thread, and a new thread takes its creator's. The low-priority
// crew is started from the first low-priority caller, so its workers share that caller's priority.
#include "cpu/threadpool.h"

#include "util/thread_priority.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HEARTH_PAUSE() _mm_pause()
#else
#define HEARTH_PAUSE() ((void)0)
#endif

namespace hearth {

namespace {
constexpr int kSpinIterations = 20000; // about 0.1-0.5 ms before sleeping

template <typename Condition> void waitUntil(Condition done)
{
    for (int spins = 0; !done(); ++spins) {
        if (spins < kSpinIterations)
            HEARTH_PAUSE();
        else
            std::this_thread::yield();
    }
}
} // namespace

class ThreadPool::Crew {
public:
    explicit Crew(int workers)
    {
        for (int i = 0; i < workers; ++i)
            m_workers.emplace_back([this] { workerLoop(); });
    }

    ~Crew()
    {
        m_stop.store(true);
        m_generation.fetch_add(1);
        m_generation.notify_all();
        for (auto& worker : m_workers)
            worker.join();
    }

    void run(uint32_t count, uint32_t chunk, RangeFn fn, void* ctx)
    {
        m_chunk = chunk;
        m_fn = fn;
        m_ctx = ctx;
        m_count = count;
        m_next.store(0);
        m_done.store(0);
        // Opening the job and publishing the new generation release the job fields above to the workers.
        m_closed.store(false);
        m_generation.fetch_add(1);
        m_generation.notify_all();
        drain();
        // Wait for chunks that workers are still running, then close the job and wait for any worker
        // that entered it to leave.
        waitUntil([&] { return m_done.load() == m_count; });
        m_closed.store(true);
        waitUntil([&] { return m_active.load() == 0; });
    }

private:
    // Claims chunks until the range is exhausted.
    void drain()
    {
        for (;;) {
            const uint32_t begin = m_next.fetch_add(m_chunk);
            if (begin >= m_count) return;
            const uint32_t end = std::min(m_count, begin + m_chunk);
            m_fn(m_ctx, begin, end);
            m_done.fetch_add(end - begin);
        }
    }

    void workerLoop()
    {
        // Generation 0 is the crew's state at construction: a worker that starts late still sees job 1.
        uint32_t seen = 0;
        for (;;) {
            // Wait for a new generation: spin first, then sleep.
            uint32_t now = seen;
            for (int spins = 0; (now = m_generation.load(std::memory_order_acquire)) == seen; ++spins) {
                if (spins < kSpinIterations) {
                    HEARTH_PAUSE();
                } else {
                    m_generation.wait(seen, std::memory_order_acquire);
                }
            }
            seen = now;
            if (m_stop.load()) return;
            // Enter the job only while it is open and still the one we were woken for.
            m_active.fetch_add(1);
            if (!m_closed.load() && m_generation.load() == seen) drain();
            m_active.fetch_sub(1);
        }
    }

    std::vector<std::thread> m_workers;
    // The current job: chunks are claimed from m_next until it passes m_count.
    RangeFn m_fn = nullptr;
    void* m_ctx = nullptr;
    uint32_t m_count = 0;
    uint32_t m_chunk = 1;
    std::atomic<uint32_t> m_next { 0 };
    std::atomic<uint32_t> m_done { 0 }; // elements finished in the current job
    std::atomic<uint32_t> m_generation { 0 }; // bumped to start a job (and to stop)
    std::atomic<int> m_active { 0 }; // workers inside the current job right now
    std::atomic<bool> m_closed { true }; // the current job takes no more workers
    std::atomic<bool> m_stop { false };
};

ThreadPool::ThreadPool(int threads)
{
    if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
    m_threadCount = std::min(threads, 256);
    if (m_threadCount > 1) m_normal = std::make_unique<Crew>(m_threadCount - 1);
}

ThreadPool::~ThreadPool() = default;

void ThreadPool::run(uint32_t count, uint32_t grain, RangeFn fn, void* ctx)
{
    if (count == 0) return;
    grain = std::max(grain, 1u);
    // Small jobs, or no workers: run inline.
    if (m_threadCount == 1 || count <= grain) {
        fn(ctx, 0, count);
        return;
    }
    // About four chunks per thread balances a core that another process is also using.
    const uint32_t perChunk = (count + uint32_t(m_threadCount) * 4 - 1) / (uint32_t(m_threadCount) * 4);
    const uint32_t chunk = std::max(grain, (perChunk + grain - 1) / grain * grain);
    Crew* crew = m_normal.get();
    if (thisThreadHasLowPriority()) {
        if (!m_low) m_low = std::make_unique<Crew>(m_threadCount - 1);
        crew = m_low.get();
    }
    crew->run(count, chunk, fn, ctx);
}

} // namespace hearth
