#include "util/thread_priority.h"

#include <cerrno>
#include <cstdlib>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace hearth {

namespace {
constexpr int kLowPriorityNice = 10; // below the desktop's own processes, above idle-only work
thread_local bool t_lowPriority = false;

// HEARTH_LOW_PRIORITY_NICE (0-19) overrides the nice value: tests that run real summaries beside
// other tests set 0, since at nice 10 a summary gets about a tenth of a shared core.
int lowPriorityNice()
{
    const char* value = std::getenv("HEARTH_LOW_PRIORITY_NICE");
    if (!value || !*value) return kLowPriorityNice;
    char* end = nullptr;
    const long nice = std::strtol(value, &end, 10);
    return (*end == '\0' && nice >= 0 && nice <= 19) ? int(nice) : kLowPriorityNice;
}
} // namespace

void lowerThisThreadPriority()
{
    if (t_lowPriority) return;
#if defined(__linux__)
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, tid);
    const int low = lowPriorityNice();
    if (errno == 0 && nice < low) setpriority(PRIO_PROCESS, tid, low);
#endif
    t_lowPriority = true;
}

bool thisThreadHasLowPriority()
{
    return t_lowPriority;
}

} // namespace hearth
