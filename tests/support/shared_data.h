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

// The shared models holding a weight type Hearth does not run yet (the models issue adds them). The
// logit tests check that loading each is refused with the clear message a user sees; a model leaves
// this list when its types land, and then has to match llama.cpp like every other.
QStringList modelsWithUnsupportedTypes();
// True when `message` is that refusal: it names the tensor and its type and says it is not supported.
bool isUnsupportedTypeRefusal(const QString& message);

} // namespace hearth::test
