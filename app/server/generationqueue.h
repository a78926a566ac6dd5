// One generation at a time, the others waiting in line in the order they arrived (so concurrent
// clients are answered first come, first served), and a bounded line: a request that finds it full
// is refused at once (HTTP 429) rather than piling up threads and memory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>

namespace hearth::server {

class GenerationQueue {
public:
    // `maxWaiting`: how many may wait while one generates.
    explicit GenerationQueue(size_t maxWaiting);

    enum class Entry { Granted, Full, Abandoned };

    // The right to generate, held until destroyed. Empty unless enter() said Granted.
    class Turn {
    public:
        Turn() = default;
        Turn(Turn&& other) noexcept;
        Turn& operator=(Turn&& other) noexcept;
        Turn(const Turn&) = delete;
        Turn& operator=(const Turn&) = delete;
        ~Turn();
        bool held() const { return m_queue != nullptr; }

    private:
        friend class GenerationQueue;
        Turn(GenerationQueue* queue, uint64_t ticket)
            : m_queue(queue)
            , m_ticket(ticket)
        {
        }
        GenerationQueue* m_queue = nullptr;
        uint64_t m_ticket = 0;
    };

    // Joins the line and waits for this caller's turn. Full: `maxWaiting` are already waiting.
    // Abandoned: `abandoned()` (asked every 50 ms while waiting, e.g. "has the client gone?") said
    // so; the caller leaves the line.
    Entry enter(Turn& turn, const std::function<bool()>& abandoned = {});

    size_t waiting() const; // in line behind the one generating

private:
    void leave(uint64_t ticket);

    const size_t m_maxWaiting;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::list<uint64_t> m_line; // the front one generates
    uint64_t m_nextTicket = 1;
};

} // namespace hearth::server
