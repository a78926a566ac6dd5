#include "util/thread_priority.h"

#include <cerrno>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace hearth {

namespace {
constexpr int kLowPriorityNice = 10; // below the desktop's own processes, above idle-only work
thread_local bool t_lowPriority = false;
} // namespace

void lowerThisThreadPriority()
{
    if (t_lowPriority) return;
#if defined(__linux__)
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && nice < kLowPriorityNice) setpriority(PRIO_PROCESS, tid, kLowPriorityNice);
#endif
    t_lowPriority = true;
}

bool thisThreadHasLowPriority()
{
    return t_lowPriority;
}

} // namespace hearth
