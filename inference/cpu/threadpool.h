// ThreadPool: persistent workers that split a range of work with the calling thread.
// No allocation per call: the work is passed as a non-owning callable and workers are woken through
// an atomic generation counter (a short spin, then a futex wait), so per-token dispatch stays cheap.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <type_traits>
#include <vector>

namespace hearth {

class ThreadPool {
public:
    // `threads` counts the caller: 1 runs everything inline. 0 uses the hardware concurrency.
    explicit ThreadPool(int threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return m_threadCount; }

    // Calls fn(begin, end) over disjoint chunks covering [0, count), chunks being multiples of `grain`
    // (except the last), from the caller and the workers; returns when all are done.
    template <typename Fn> void parallelFor(uint32_t count, uint32_t grain, Fn&& fn)
    {
        using F = std::remove_reference_t<Fn>;
        run(
            count, grain, [](void* ctx, uint32_t b, uint32_t e) { (*static_cast<F*>(ctx))(b, e); },
            const_cast<void*>(static_cast<const void*>(&fn)));
    }

private:
    using RangeFn = void (*)(void* ctx, uint32_t begin, uint32_t end);
    void run(uint32_t count, uint32_t grain, RangeFn fn, void* ctx);
    void workerLoop();
    void drain();

    int m_threadCount = 1;
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

} // namespace hearth
