#include "generationqueue.h"

#include <algorithm>
#include <chrono>

namespace hearth::server {

GenerationQueue::GenerationQueue(size_t maxWaiting)
    : m_maxWaiting(maxWaiting)
{
}

GenerationQueue::Turn::Turn(Turn&& other) noexcept
    : m_queue(other.m_queue)
    , m_ticket(other.m_ticket)
{
    other.m_queue = nullptr;
}

GenerationQueue::Turn& GenerationQueue::Turn::operator=(Turn&& other) noexcept
{
    if (this != &other) {
        if (m_queue) m_queue->leave(m_ticket);
        m_queue = other.m_queue;
        m_ticket = other.m_ticket;
        other.m_queue = nullptr;
    }
    return *this;
}

GenerationQueue::Turn::~Turn()
{
    if (m_queue) m_queue->leave(m_ticket);
}

GenerationQueue::Entry GenerationQueue::enter(
    Turn& turn, const std::function<bool()>& abandoned, Admission admission)
{
    std::unique_lock lock(m_mutex);
    if (admission == Admission::Bounded && m_line.size() > m_maxWaiting)
        return Entry::Full; // one generating, m_maxWaiting waiting
    const uint64_t ticket = m_nextTicket++;
    m_line.push_back(ticket);
    while (m_line.front() != ticket) {
        m_changed.wait_for(lock, std::chrono::milliseconds(50));
        if (m_line.front() == ticket) break;
        if (abandoned && abandoned()) {
            m_line.remove(ticket);
            m_changed.notify_all();
            return Entry::Abandoned;
        }
    }
    lock.unlock(); // a Turn already held by `turn` leaves the line under the lock
    turn = Turn(this, ticket);
    return Entry::Granted;
}

size_t GenerationQueue::waiting() const
{
    std::lock_guard lock(m_mutex);
    return m_line.empty() ? 0 : m_line.size() - 1;
}

void GenerationQueue::leave(uint64_t ticket)
{
    std::lock_guard lock(m_mutex);
    m_line.remove(ticket);
    m_changed.notify_all();
}

} // namespace hearth::server
