// Where the tests find ../shared (the reference data made by other implementations).
#pragma once

#include <QString>
#include <QByteArray>
#include <vector>

namespace hearth::test {

// ../shared beside the project root, or $HEARTH_SHARED when set.
QString sharedDir();
// Absolute path of a file under ../shared/testdata.
QString testdata(const QString& relative);
QByteArray readFile(const QString& path);  // QFAIL-friendly: empty when missing (the test then fails)
std::vector<float> readF32(const QString& path);
// True when CI demands a real Vulkan device (HEARTH_REQUIRE_VULKAN=1): tests then fail, not skip.
bool vulkanRequired();

}  // namespace hearth::test
