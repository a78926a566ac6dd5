// Run-time CPU feature detection (see cpu_features.h).
#include "cpu/cpu_features.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace hearth::cpu {

namespace {

SimdLevel detect()
{
#if defined(__x86_64__)
    if (std::getenv("HEARTH_CPU_NO_AVX2")) return SimdLevel::Portable;
    __builtin_cpu_init();
    const bool avx2
        = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    if (!avx2) return SimdLevel::Portable;
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vnni");
    if (avx512 && !std::getenv("HEARTH_CPU_NO_AVX512")) return SimdLevel::Avx512Vnni;
    return SimdLevel::Avx2;
#else
    return SimdLevel::Portable;
#endif
}

} // namespace

SimdLevel simdLevel()
{
    static const SimdLevel level = detect();
    return level;
}

const char* simdLevelName(SimdLevel level)
{
    switch (level) {
    case SimdLevel::Avx512Vnni:
        return "avx512-vnni";
    case SimdLevel::Avx2:
        return "avx2";
    default:
        return "portable";
    }
}

int physicalCoreCount()
{
    const int logical = int(std::max(1u, std::thread::hardware_concurrency()));
    // Linux: one (package, core) pair per physical core; SMT siblings share it.
    std::set<std::pair<std::string, std::string>> cores;
    for (int cpu = 0; cpu < logical; ++cpu) {
        const std::string dir = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
        std::ifstream package(dir + "physical_package_id"), core(dir + "core_id");
        std::string p, c;
        if (!(package >> p) || !(core >> c)) return logical;
        cores.insert({ p, c });
    }
    return cores.empty() ? logical : int(cores.size());
}

} // namespace hearth::cpu
