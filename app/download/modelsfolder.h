// The models folder: where downloads land ($XDG_DATA_HOME/hearth/models unless the settings name
// another) and what it holds. Files the user already had are added by a copy or a symbolic link;
// deleting a link deletes the link, never the file it points at.
#pragma once

#include "util/result.h"

#include <QList>
#include <QString>

namespace hearth::download {

struct LocalModel {
    QString path;
    QString fileName;
    qint64 bytes = 0; // of the file itself (a link: of its target)
    bool link = false;
    QString target; // a link's target
};

// DATA_DIR/models.
QString defaultModelsFolder(const QString& dataDir);

// The .gguf files in `folder` (partial downloads, FILE.gguf.part, are not models), by name.
QList<LocalModel> listModels(const QString& folder);

// Deletes `path` when it is a model in `folder` (nothing outside it).
Status removeModel(const QString& folder, const QString& path);

enum class AddMode { Copy, Link };
// Puts `source` (a .gguf file) in `folder` under its own name. A copy checks the free space first,
// is written under a temporary name and renamed when complete. Blocks for the copy: call it from a
// worker thread.
Result<QString> addModel(const QString& folder, const QString& source, AddMode mode);

} // namespace hearth::download
