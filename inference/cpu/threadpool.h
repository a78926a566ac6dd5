// ThreadPool: persistent workers that split a range of work with the calling thread.
// A job from a thread of low priority (util/thread_priority.h) runs on workers of that priority.
// No allocation per call: the work is passed as a non-owning callable and workers are woken through
// an atomic generation counter (a short spin, then a futex wait), so per-token dispatch stays cheap.
#pragma once

#include <cstdint>
#include <memory>
#include <type_traits>

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
    class Crew; // the workers of one priority and their current job (threadpool.cpp)
    void run(uint32_t count, uint32_t grain, RangeFn fn, void* ctx);

    int m_threadCount = 1;
    std::unique_ptr<Crew> m_normal; // started with the pool
    std::unique_ptr<Crew> m_low; // started on the first call from a low-priority thread
};

} // namespace hearth
