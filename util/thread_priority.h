// A thread's CPU priority, for long jobs the user is not watching (a document summary): computed at a
// lower priority, they leave the cores to the window and the user's other programs when those want
// them, and lose nothing on an otherwise idle machine.
#pragma once

#include <optional>
#include <thread>
#include <utility>

namespace hearth {

// Lowers the calling thread's priority for the rest of its life (Linux: nice 10). An unprivileged
// process can never raise it back, so call it only on a thread made for one background job.
void lowerThisThreadPriority();
bool thisThreadHasLowPriority();

// Runs fn() to its end on a new thread of low priority and returns what it returns.
template <typename Fn> auto runAtLowPriority(Fn&& fn) -> decltype(fn())
{
    std::optional<decltype(fn())> result;
    std::thread thread([&] {
        lowerThisThreadPriority();
        result.emplace(fn());
    });
    thread.join();
    return std::move(*result);
}

} // namespace hearth
