// One generation at a time, the others waiting in line in the order they arrived (so concurrent
// clients are answered first come, first served), and a bounded line: a request that finds it full
// is refused at once (HTTP 429) rather than piling up threads and memory. In the engine process the
// window's own work joins the same line without the bound (Admission::Always): the app's chat takes
// its turn between the server's requests and is never refused.
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
    // Bounded: refused (Full) when `maxWaiting` already wait. Always: joins the line regardless.
    enum class Admission { Bounded, Always };

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
    Entry enter(
        Turn& turn, const std::function<bool()>& abandoned = {}, Admission admission = Admission::Bounded);

    size_t waiting() const; // in line behind the one generating
    size_t maxWaiting() const { return m_maxWaiting; }

private:
    void leave(uint64_t ticket);

    const size_t m_maxWaiting;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::list<uint64_t> m_line; // the front one generates
    uint64_t m_nextTicket = 1;
};

} // namespace hearth::server
