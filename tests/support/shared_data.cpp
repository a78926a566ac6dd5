#include "shared_data.h"

#include <QDir>
#include <QFile>
#include <cstring>

namespace hearth::test {

QString sharedDir()
{
    const QByteArray env = qgetenv("HEARTH_SHARED");
    if (!env.isEmpty())
        return QDir::cleanPath(QString::fromLocal8Bit(env));
    return QDir::cleanPath(QStringLiteral(HEARTH_SHARED_DIR));
}

QString testdata(const QString& relative)
{
    return sharedDir() + QStringLiteral("/testdata/") + relative;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
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

}  // namespace hearth::test
