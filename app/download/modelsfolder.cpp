#include "modelsfolder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QStorageInfo>

namespace hearth::download {

namespace {

std::string text(const QString& s)
{
    return s.toStdString();
}

} // namespace

QString defaultModelsFolder(const QString& dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("models"));
}

QList<LocalModel> listModels(const QString& folder)
{
    QList<LocalModel> models;
    const QFileInfoList entries
        = QDir(folder).entryInfoList({ QStringLiteral("*.gguf") }, QDir::Files | QDir::System, QDir::Name);
    for (const QFileInfo& entry : entries) {
        LocalModel m;
        m.path = entry.absoluteFilePath();
        m.fileName = entry.fileName();
        m.link = entry.isSymLink();
        m.target = m.link ? entry.symLinkTarget() : QString();
        m.bytes = entry.size(); // QFileInfo follows the link
        models << m;
    }
    return models;
}

Status removeModel(const QString& folder, const QString& path)
{
    const QFileInfo file(path);
    if (QFileInfo(file.absolutePath()).canonicalFilePath() != QFileInfo(folder).canonicalFilePath()
        || !file.fileName().endsWith(QStringLiteral(".gguf")))
        return makeError(ErrorCode::InvalidArgument, text(path + " is not a model in " + folder));
    QFile f(path);
    if (!f.remove()) return makeError(ErrorCode::Io, text(path + ": " + f.errorString()));
    return Ok {};
}

Result<QString> addModel(const QString& folder, const QString& source, AddMode mode)
{
    const QFileInfo from(source);
    if (!from.isFile()) return makeError(ErrorCode::FileNotFound, text(source + " is not a file"));
    if (!from.fileName().endsWith(QStringLiteral(".gguf"), Qt::CaseInsensitive))
        return makeError(
            ErrorCode::InvalidArgument, text(from.fileName() + " is not a GGUF model file (.gguf)"));
    if (!QDir().mkpath(folder)) return makeError(ErrorCode::Io, text("could not create " + folder));
    const QString destination = QDir(folder).filePath(from.fileName());
    if (QFileInfo(destination).exists() || QFileInfo(destination).isSymLink())
        return makeError(
            ErrorCode::InvalidArgument, text(from.fileName() + " is already in the models folder"));
    if (mode == AddMode::Link) {
        if (!QFile::link(from.absoluteFilePath(), destination))
            return makeError(ErrorCode::Io, text("could not link " + destination + " to " + source));
        return destination;
    }
    const QStorageInfo disk(folder);
    if (disk.isValid() && disk.bytesAvailable() < from.size())
        return makeError(ErrorCode::Io,
            text(QStringLiteral("not enough disk space to copy %1 (%2) into %3: %4 free")
                     .arg(from.fileName(), QLocale().formattedDataSize(from.size()), folder,
                         QLocale().formattedDataSize(disk.bytesAvailable()))));
    const QString temporary = destination + QStringLiteral(".copying");
    QFile::remove(temporary);
    QFile in(source);
    if (!in.copy(temporary)) {
        QFile::remove(temporary);
        return makeError(ErrorCode::Io, text("could not copy " + source + ": " + in.errorString()));
    }
    if (!QFile::rename(temporary, destination)) {
        QFile::remove(temporary);
        return makeError(ErrorCode::Io, text("could not rename the copy to " + destination));
    }
    return destination;
}

} // namespace hearth::download
