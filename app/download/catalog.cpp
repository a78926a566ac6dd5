#include "catalog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hearth::download {

namespace {

Error fieldError(const QString& where, const QString& what)
{
    return makeError(ErrorCode::BadFormat, QStringLiteral("catalog: %1 %2").arg(where, what).toStdString());
}

// A string field that must be present and non-empty.
bool readText(const QJsonObject& o, const char* key, QString& out)
{
    out = o.value(key).toString();
    return !out.isEmpty();
}

Result<CatalogShape> readShape(const QJsonObject& o, const QString& where)
{
    CatalogShape s;
    const struct {
        const char* key;
        quint32* field;
    } fields[] = { { "layerCount", &s.layerCount }, { "dim", &s.dim }, { "ffnDim", &s.ffnDim },
        { "headCount", &s.headCount }, { "kvHeadCount", &s.kvHeadCount }, { "headDim", &s.headDim },
        { "vocabSize", &s.vocabSize }, { "trainedContext", &s.trainedContext } };
    for (const auto& f : fields) {
        const double v = o.value(f.key).toDouble(-1);
        if (v < 1 || v > 1e7) return fieldError(where + ".shape." + f.key, "must be a positive number");
        *f.field = quint32(v);
    }
    return s;
}

// Bits a weight takes in a file of `bytes` for a model of this shape (the embedding counted once, as
// when it is tied to the output): a GGUF of a real model is between about 1.5 (IQ1) and 32 (F32).
double bitsPerWeight(qint64 bytes, const CatalogShape& s)
{
    const double attention = double(s.dim) * s.headDim * (2.0 * s.headCount + 2.0 * s.kvHeadCount);
    const double ffn = 3.0 * s.dim * s.ffnDim;
    const double weights = s.layerCount * (attention + ffn) + double(s.vocabSize) * s.dim;
    return 8.0 * double(bytes) / weights;
}

Result<CatalogModel> readModel(const QJsonObject& o, int index)
{
    CatalogModel m;
    const QString where = QStringLiteral("models[%1]").arg(index);
    if (!readText(o, "id", m.id)) return fieldError(where + ".id", "is missing");
    if (!readText(o, "name", m.name)) return fieldError(where + ".name", "is missing");
    if (!readText(o, "repo", m.repo) || m.repo.count('/') != 1)
        return fieldError(where + ".repo", "must be OWNER/NAME");
    m.description = o.value("description").toString();
    if (!readText(o, "licence", m.licence)) return fieldError(where + ".licence", "is missing");
    auto shape = readShape(o.value("shape").toObject(), where);
    if (!shape) return shape.error();
    m.shape = *shape;
    const QJsonArray files = o.value("files").toArray();
    if (files.isEmpty()) return fieldError(where + ".files", "is empty");
    for (int i = 0; i < files.size(); ++i) {
        const QJsonObject f = files[i].toObject();
        const QString fwhere = QStringLiteral("%1.files[%2]").arg(where).arg(i);
        CatalogFile file;
        if (!readText(f, "file", file.file) || !file.file.endsWith(".gguf") || file.file.contains('/'))
            return fieldError(fwhere + ".file", "must be a .gguf file name");
        if (!readText(f, "type", file.type)) return fieldError(fwhere + ".type", "is missing");
        file.approxBytes = qint64(f.value("approxBytes").toDouble());
        if (file.approxBytes <= 0) return fieldError(fwhere + ".approxBytes", "must be a positive number");
        const double bits = bitsPerWeight(file.approxBytes, m.shape);
        if (bits < 1.0 || bits > 34.0)
            return fieldError(fwhere + ".approxBytes",
                QStringLiteral("is not a plausible size for the model's shape (%1 bits a weight)")
                    .arg(bits, 0, 'g', 2));
        for (const CatalogFile& other : std::as_const(m.files))
            if (other.type == file.type || other.file == file.file)
                return fieldError(fwhere, "repeats a file or type of the same model");
        m.files << file;
    }
    return m;
}

} // namespace

CatalogEntry Catalog::find(const QString& key) const
{
    const QString id = key.section('/', 0, 0);
    const QString type = key.section('/', 1);
    for (const CatalogModel& m : models)
        if (m.id == id)
            for (const CatalogFile& f : m.files)
                if (f.type == type) return { &m, &f };
    return {};
}

Result<Catalog> parseCatalog(const QByteArray& json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return makeError(ErrorCode::BadFormat,
            "catalog: not a JSON object (" + parseError.errorString().toStdString() + ")");
    const QJsonObject root = doc.object();
    Catalog catalog;
    const int schema = root.value("schema").toInt(0);
    if (schema != kCatalogSchema)
        return makeError(ErrorCode::Unsupported,
            QStringLiteral("catalog: schema %1 is not the one this Hearth reads (%2)")
                .arg(schema)
                .arg(kCatalogSchema)
                .toStdString());
    catalog.version = root.value("version").toInt(0);
    if (catalog.version < 1) return fieldError("version", "must be a positive whole number");
    const QJsonArray models = root.value("models").toArray();
    if (models.isEmpty()) return fieldError("models", "is empty");
    for (int i = 0; i < models.size(); ++i) {
        auto model = readModel(models[i].toObject(), i);
        if (!model) return model.error();
        for (const CatalogModel& other : std::as_const(catalog.models))
            if (other.id == model->id)
                return fieldError(QStringLiteral("models[%1].id").arg(i), "is not unique");
        catalog.models << *model;
    }
    for (const QJsonValue& v : root.value("recommended").toArray()) {
        if (!catalog.find(v.toString()).file)
            return fieldError("recommended", "names a file the catalog does not have");
        catalog.recommended << v.toString();
    }
    return catalog;
}

} // namespace hearth::download
