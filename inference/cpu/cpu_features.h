// Which instruction sets the CPU kernels use, detected once at run time so that one binary (the
// .deb) runs on any x86-64: portable C++, AVX2 (+FMA, F16C), or AVX-512 with VNNI on top of AVX2.
#pragma once

#include <cstdint>

namespace hearth::cpu {

enum class SimdLevel { Portable, Avx2, Avx512Vnni };

// The best level this CPU runs, lowered by the environment so that the tests (and a user with a
// misbehaving CPU) can force a slower path: HEARTH_CPU_NO_AVX2=1 → Portable, HEARTH_CPU_NO_AVX512=1
// → at most Avx2.
SimdLevel simdLevel();
// "portable", "avx2", "avx512-vnni": what `devices` and `bench` print.
const char* simdLevelName(SimdLevel level);

// The physical cores of this machine (SMT siblings counted once); the hardware concurrency where
// the topology cannot be read.
int physicalCoreCount();

} // namespace hearth::cpu
