// The CPU backend's thread pool: a job started from a low-priority thread (a document summary) runs
// on workers of that low priority, and a job from a normal thread afterwards on normal ones. The nice
// values are read back from the kernel (getpriority), not from the pool's own bookkeeping.
#include "cpu/threadpool.h"
#include "util/thread_priority.h"

#include <QTest>
#include <chrono>
#include <mutex>
#include <set>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

using namespace hearth;

namespace {

int niceOfThisThread()
{
    return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
}

// The nice value of every thread that ran a chunk of one job. Each chunk waits (up to 10 s) until a
// second thread has joined, so the pool's worker certainly takes part and is checked too.
std::set<std::pair<long, int>> threadsOfOneJob(ThreadPool& pool)
{
    std::mutex mutex;
    std::set<std::pair<long, int>> seen; // (thread id, nice)
    std::set<long> threads;
    pool.parallelFor(64, 1, [&](uint32_t, uint32_t) {
        const long tid = syscall(SYS_gettid);
        {
            std::lock_guard lock(mutex);
            seen.insert({ tid, niceOfThisThread() });
            threads.insert(tid);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            {
                std::lock_guard lock(mutex);
                if (threads.size() >= 2) return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    return seen;
}

} // namespace

class TestThreadPool : public QObject {
    Q_OBJECT

private slots:
    void lowPriorityCallerGetsLowPriorityWorkers();
};

void TestThreadPool::lowPriorityCallerGetsLowPriorityWorkers()
{
    const int normalNice = niceOfThisThread();
    QVERIFY2(normalNice < 10, "the test must start below the low priority's nice value");
    ThreadPool pool(2);

    std::set<std::pair<long, int>> low;
    std::thread background([&] {
        lowerThisThreadPriority();
        low = threadsOfOneJob(pool);
    });
    background.join();
    const std::set<std::pair<long, int>> normal = threadsOfOneJob(pool);

    QCOMPARE(low.size(), size_t(2)); // the caller and the pool's worker
    for (const auto& [tid, nice] : low)
        QVERIFY2(nice >= 10,
            qPrintable(QString("thread %1 ran a background chunk at nice %2").arg(tid).arg(nice)));
    QCOMPARE(normal.size(), size_t(2));
    for (const auto& [tid, nice] : normal)
        QVERIFY2(nice == normalNice,
            qPrintable(QString("thread %1 ran a normal chunk at nice %2, not %3")
                           .arg(tid)
                           .arg(nice)
                           .arg(normalNice)));
}

QTEST_GUILESS_MAIN(TestThreadPool)
#include "test_thread_pool.moc"
