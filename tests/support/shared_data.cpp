#include "shared_data.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <cstring>

namespace hearth::test {

QString sharedDir()
{
    const QByteArray env = qgetenv("HEARTH_SHARED");
    if (!env.isEmpty()) return QDir::cleanPath(QString::fromLocal8Bit(env));
    return QDir::cleanPath(QStringLiteral(HEARTH_SHARED_DIR));
}

QString testdata(const QString& relative)
{
    return sharedDir() + QStringLiteral("/testdata/") + relative;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.readAll();
}

std::vector<float> readF32(const QString& path)
{
    const QByteArray bytes = readFile(path);
    std::vector<float> values(bytes.size() / sizeof(float));
    std::memcpy(values.data(), bytes.constData(), values.size() * sizeof(float));
    return values;
}

bool vulkanRequired()
{
    return qgetenv("HEARTH_REQUIRE_VULKAN") == "1";
}

bool inTestShard(int row)
{
    const QByteArray shard = qgetenv("HEARTH_TEST_SHARD");
    if (shard.isEmpty()) return true;
    const QList<QByteArray> parts = shard.split('/');
    bool okK = false, okN = false;
    const int k = parts.size() == 2 ? parts[0].toInt(&okK) : 0;
    const int n = parts.size() == 2 ? parts[1].toInt(&okN) : 0;
    if (!okK || !okN || n < 1 || k < 1 || k > n) return false;
    return row % n == k - 1;
}

QStringList modelsWithUnsupportedTypes(TestBackend)
{
    return {}; // every shared model's types run on both backends
}

bool isUnsupportedTypeRefusal(TestBackend backend, const QString& message)
{
    static const QRegularExpression reader(
        "tensor '[^']+' has type [A-Z0-9_]+, which Hearth does not support");
    static const QRegularExpression vulkan(
        "tensor '[^']+' has type [A-Z0-9_]+, which the Vulkan backend does "
        "not run yet; the CPU backend runs this model");
    return (backend == TestBackend::Cpu ? reader : vulkan).match(message).hasMatch();
}

} // namespace hearth::test
