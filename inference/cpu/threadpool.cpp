// ThreadPool: workers spin briefly on a generation counter (a token's matmuls come back to back), then
// sleep on it with a futex wait (std::atomic::wait) so an idle engine costs no CPU.
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
constexpr int kSpinIterations = 20000;  // about 0.1-0.5 ms before sleeping
}

ThreadPool::ThreadPool(int threads)
{
    if (threads <= 0)
        threads = int(std::max(1u, std::thread::hardware_concurrency()));
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
        const uint32_t begin = m_next.fetch_add(m_chunk, std::memory_order_relaxed);
        if (begin >= m_count)
            return;
        m_fn(m_ctx, begin, std::min(m_count, begin + m_chunk));
    }
}

void ThreadPool::run(uint32_t count, uint32_t grain, RangeFn fn, void* ctx)
{
    if (count == 0)
        return;
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
    m_next.store(0, std::memory_order_relaxed);
    m_busy.store(int(m_workers.size()), std::memory_order_relaxed);
    // Publishing the new generation releases the job fields above to the workers.
    m_generation.fetch_add(1, std::memory_order_release);
    m_generation.notify_all();
    drain();
    // Wait for the workers to leave the job (they may still be running their last chunk).
    for (int spins = 0; m_busy.load(std::memory_order_acquire) != 0; ++spins) {
        if (spins < kSpinIterations)
            HEARTH_PAUSE();
        else
            std::this_thread::yield();
    }
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
        if (m_stop.load())
            return;
        drain();
        m_busy.fetch_sub(1, std::memory_order_acq_rel);
    }
}

}  // namespace hearth
