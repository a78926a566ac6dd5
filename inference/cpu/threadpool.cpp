// ThreadPool: workers spin briefly on a generation counter (a token's matmuls come back to back), then
// sleep on it with a futex wait (std::atomic::wait) so an idle engine costs no CPU.
//
// A job ends when its elements are done, not when every worker has looked at it: on a busy machine a
// worker may not be scheduled for milliseconds, and waiting for each worker to wake once per matmul
// made two threads ~100x slower than one. A worker that wakes after the job is closed just goes back
// to waiting; one that got in before is waited for (m_active), so job fields are never rewritten
// under it.
#include "cpu/threadpool.h"

#include <algorithm>

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

ThreadPool::ThreadPool(int threads)
{
    if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
    m_threadCount = std::min(threads, 256);
    for (int i = 1; i < m_threadCount; ++i)
        m_workers.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool()
{
    m_stop.store(true);
    m_generation.fetch_add(1);
    m_generation.notify_all();
    for (auto& worker : m_workers)
        worker.join();
}

// Claims chunks until the range is exhausted.
void ThreadPool::drain()
{
    for (;;) {
        const uint32_t begin = m_next.fetch_add(m_chunk);
        if (begin >= m_count) return;
        const uint32_t end = std::min(m_count, begin + m_chunk);
        m_fn(m_ctx, begin, end);
        m_done.fetch_add(end - begin);
    }
}

void ThreadPool::run(uint32_t count, uint32_t grain, RangeFn fn, void* ctx)
{
    if (count == 0) return;
    grain = std::max(grain, 1u);
    // Small jobs, or no workers: run inline.
    if (m_workers.empty() || count <= grain) {
        fn(ctx, 0, count);
        return;
    }
    // About four chunks per thread balances a core that another process is also using.
    const uint32_t perChunk = (count + uint32_t(m_threadCount) * 4 - 1) / (uint32_t(m_threadCount) * 4);
    m_chunk = std::max(grain, (perChunk + grain - 1) / grain * grain);
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

void ThreadPool::workerLoop()
{
    // Generation 0 is the pool's state at construction: a worker that starts late still sees job 1.
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

} // namespace hearth
