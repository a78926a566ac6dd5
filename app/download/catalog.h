// The models Hearth offers to download: a versioned list (resources/catalog.json, or a newer one
// fetched when the user asks) of Hugging Face repositories and their GGUF files. Sizes here are
// approximate and say so; the exact size and sha256 come from the Hub when a download starts
// (hubfiles.h). Each model carries its shape, so whether it fits a device is known before a byte of
// it is on the disk.
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace hearth::download {

struct CatalogFile {
    QString file; // file name in the repository, e.g. "Llama-3.2-1B-Instruct-Q4_K_M.gguf"
    QString type; // the quantization as the file name says it: "Q4_K_M"
    qint64 approxBytes = 0; // approximate: the listing of the day the catalog was written
};

// The hyper-parameters the memory estimate needs (LlamaConfig's names).
struct CatalogShape {
    quint32 layerCount = 0;
    quint32 dim = 0;
    quint32 ffnDim = 0;
    quint32 headCount = 0;
    quint32 kvHeadCount = 0;
    quint32 headDim = 0;
    quint32 vocabSize = 0;
    quint32 trainedContext = 0;
};

struct CatalogModel {
    QString id; // stable: "llama-3.2-1b-instruct"
    QString name;
    QString description; // one line
    QString licence;
    QString repo; // "bartowski/Llama-3.2-1B-Instruct-GGUF"
    CatalogShape shape;
    QList<CatalogFile> files;
};

// A file of the catalog, named as "MODEL-ID/TYPE" ("llama-3.2-1b-instruct/Q4_K_M").
struct CatalogEntry {
    const CatalogModel* model = nullptr;
    const CatalogFile* file = nullptr;
};

struct Catalog {
    int version = 0;
    QList<CatalogModel> models;
    // The files to offer a new user, best first ("MODEL-ID/TYPE"): the first that fits the device
    // with a full context is the recommendation, else the last (the smallest, for the CPU).
    QStringList recommended;

    CatalogEntry find(const QString& key) const;
};

// The catalog format this Hearth reads ("schema" in the JSON). A list in another format (a later
// Hearth's) is refused whole, not half understood.
inline constexpr int kCatalogSchema = 1;

// The catalog in `json`; an error names the first field that is missing or wrong. Besides the fields
// being there, each file's approximate size must be plausible for the model's shape (between 1 and 34
// bits a weight), and ids, files and types must not repeat.
Result<Catalog> parseCatalog(const QByteArray& json);

} // namespace hearth::download
