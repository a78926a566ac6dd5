// Where the tests find ../shared (the reference data made by other implementations).
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <vector>

namespace hearth::test {

// ../shared beside the project root, or $HEARTH_SHARED when set.
QString sharedDir();
// Absolute path of a file under ../shared/testdata.
QString testdata(const QString& relative);
QByteArray readFile(const QString& path); // QFAIL-friendly: empty when missing (the test then fails)
std::vector<float> readF32(const QString& path);
// True when CI demands a real Vulkan device (HEARTH_REQUIRE_VULKAN=1): tests then fail, not skip.
bool vulkanRequired();
// Splits a data-driven test over several CTest entries (so each stays well inside its timeout on a
// slow machine): HEARTH_TEST_SHARD=K/N keeps rows K, K+N, K+2N, … (K from 1); unset keeps all.
// A malformed value keeps nothing, so the test fails on "no rows" instead of passing quietly.
bool inTestShard(int row);

enum class TestBackend { Cpu, Vulkan };

// The shared models holding a weight type that `backend` does not run yet (the models issue adds
// them). The logit tests check that loading each is refused with the clear message a user sees; a
// model leaves a backend's list when its types land there, and then has to match llama.cpp.
QStringList modelsWithUnsupportedTypes(TestBackend backend);
// True when `message` is that refusal: it names the tensor and its type and says the file's reader
// (CPU: the GGUF reader) or the Vulkan backend does not run it; the Vulkan one points at the CPU.
bool isUnsupportedTypeRefusal(TestBackend backend, const QString& message);

} // namespace hearth::test
