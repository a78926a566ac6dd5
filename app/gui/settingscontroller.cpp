// SettingsController: defaults, persistence under "settings.<key>", merging with overrides.
#include "settingscontroller.h"

#include "chatstore.h"
#include "storage/settings.h"

#include <QJsonArray>
#include <QJsonDocument>

using hearth::storage::Database;

SettingsController::SettingsController(QObject* parent)
    : QObject(parent)
    , m_values(defaults())
{
}

QVariantMap SettingsController::defaults()
{
    // Sampling defaults follow the engine's SamplerSettings (sampler.h); maxTokens 512; theme follows the
    // system.
    return { { "systemPrompt", QString() }, { "temperature", 0.8 }, { "topK", 40 }, { "topP", 0.95 },
        { "minP", 0.05 }, { "repeatPenalty", 1.1 }, { "seed", 0 }, { "maxTokens", 512 }, { "contextSize", 0 },
        { "backend", QStringLiteral("auto") }, { "device", -1 }, { "cpuThreads", 0 }, { "tuneKernels", true },
        { "theme", QStringLiteral("system") }, { "windowWidth", 0 }, { "windowHeight", 0 },
        { "windowMaximized", false }, { "modelsFolder", QString() }, { "catalogUrl", QString() } };
}

void SettingsController::setStore(ChatStore* store)
{
    if (store == m_store) return;
    m_store = store;
    emit storeChanged();
    if (!m_store) return;
    m_store->whenReady(this, [this] { load(); });
}

void SettingsController::load()
{
    m_store->async().post(
        this, [](Database& db) { return hearth::storage::Settings(db).all(); },
        [this](hearth::Result<std::map<std::string, std::string>> result) {
            if (result.ok()) {
                const QVariantMap d = defaults();
                for (const auto& [key, text] : result.value()) {
                    const QString k = QString::fromStdString(key);
                    if (!k.startsWith("settings.")) continue;
                    const QString name = k.mid(9);
                    if (!d.contains(name)) continue;
                    // Values are stored as JSON scalars so numbers come back as numbers.
                    const QJsonDocument doc
                        = QJsonDocument::fromJson("[" + QByteArray::fromStdString(text) + "]");
                    if (doc.isArray() && !doc.array().isEmpty())
                        m_values.insert(name, doc.array().first().toVariant());
                }
            }
            m_loaded = true;
            emit changed();
            emit loadedChanged();
        });
}

QVariant SettingsController::value(const QString& key) const
{
    return m_values.value(key);
}

void SettingsController::setValue(const QString& key, const QVariant& v)
{
    if (m_values.value(key) == v) return;
    m_values.insert(key, v);
    emit changed();
    if (!m_store) return;
    const QByteArray json
        = QJsonDocument(QJsonArray { QJsonValue::fromVariant(v) }).toJson(QJsonDocument::Compact);
    const std::string text = json.mid(1, json.size() - 2).toStdString();
    const std::string name = "settings." + key.toStdString();
    m_store->async().post(
        [name, text](Database& db) { return hearth::storage::Settings(db).set(name, text); });
}

QVariant SettingsController::effective(const QString& key, const QVariantMap& overrides) const
{
    return overrides.contains(key) ? overrides.value(key) : value(key);
}

QJsonObject SettingsController::effectiveSampler(const QVariantMap& overrides) const
{
    return { { "temperature", effective("temperature", overrides).toDouble() },
        { "topK", effective("topK", overrides).toInt() }, { "topP", effective("topP", overrides).toDouble() },
        { "minP", effective("minP", overrides).toDouble() },
        { "repeatPenalty", effective("repeatPenalty", overrides).toDouble() },
        { "seed", effective("seed", overrides).toInt() } };
}

int SettingsController::effectiveMaxTokens(const QVariantMap& overrides) const
{
    return qMax(1, effective("maxTokens", overrides).toInt());
}

void SettingsController::resetToDefaults()
{
    const QVariantMap d = defaults();
    for (auto it = d.begin(); it != d.end(); ++it)
        if (!it.key().startsWith("window") && it.key() != "modelsFolder" && it.key() != "catalogUrl")
            setValue(it.key(), it.value());
}
