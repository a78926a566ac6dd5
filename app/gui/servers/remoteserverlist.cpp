// RemoteServerList: the servers, their keys (secret store, or the database with consent) and their
// models; see remoteserverlist.h.
#include "remoteserverlist.h"

#include "chatstore.h"
#include "engineclient.h"
#include "keychainsecretstore.h"
#include "modelcontroller.h"
#include "modellisting.h"
#include "serveraddress.h"
#include "settingscontroller.h"
#include "storage/settings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

using hearth::storage::Database;

namespace {

constexpr const char* kListKey = "remoteServers.list";
const QString kKeyPrefix = QStringLiteral("remoteServers.key."); // + id: a key the user let us keep here

QString keyPlaceName(RemoteServerList::KeyPlace place)
{
    switch (place) {
    case RemoteServerList::KeyPlace::None:
        return QStringLiteral("none");
    case RemoteServerList::KeyPlace::SecretStore:
        return QStringLiteral("secretStore");
    case RemoteServerList::KeyPlace::Database:
        return QStringLiteral("database");
    case RemoteServerList::KeyPlace::Unsaved:
        return QStringLiteral("unsaved");
    }
    return {};
}

RemoteServerList::KeyPlace keyPlaceFrom(const QString& name)
{
    using KeyPlace = RemoteServerList::KeyPlace;
    if (name == "secretStore") return KeyPlace::SecretStore;
    if (name == "database") return KeyPlace::Database;
    if (name == "unsaved") return KeyPlace::Unsaved;
    return KeyPlace::None;
}

QString listingName(RemoteServerList::Listing listing)
{
    switch (listing) {
    case RemoteServerList::Listing::Idle:
        return QStringLiteral("idle");
    case RemoteServerList::Listing::Listing:
        return QStringLiteral("listing");
    case RemoteServerList::Listing::Listed:
        return QStringLiteral("listed");
    case RemoteServerList::Listing::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

// The name of a server's key in the secret store.
QString secretName(const QString& id)
{
    return QStringLiteral("server-") + id;
}

} // namespace

RemoteServerList::RemoteServerList(QObject* parent)
    : QAbstractListModel(parent)
{
}

ChatStore* RemoteServerList::store() const
{
    return m_store;
}

ModelController* RemoteServerList::modelController() const
{
    return m_modelController;
}

void RemoteServerList::setStore(ChatStore* store)
{
    if (store == m_store) return;
    m_store = store;
    emit storeChanged();
    if (!m_store) return;
    m_store->whenReady(this, [this] { load(); });
}

void RemoteServerList::setModelController(ModelController* controller)
{
    if (controller == m_modelController) return;
    m_modelController = controller;
    emit modelControllerChanged();
}

void RemoteServerList::setSecretStore(SecretStore* secrets)
{
    m_secrets = secrets;
}

SecretStore& RemoteServerList::secrets()
{
    if (!m_secrets) m_secrets = new KeychainSecretStore(this);
    return *m_secrets;
}

int RemoteServerList::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_servers.size());
}

QVariant RemoteServerList::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Server& s = m_servers.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return s.name;
    case IdRole:
        return s.id;
    case BaseUrlRole:
        return s.baseUrl;
    case HostRole:
        return checkServerAddress(s.baseUrl).host;
    case KeyPlaceRole:
        return keyPlaceName(s.keyPlace);
    case KeyMessageRole:
        return s.keyMessage;
    case WarningRole:
        return checkServerAddress(s.baseUrl).warning;
    case ModelsRole:
        return s.models;
    case ListingRole:
        return listingName(s.listing);
    case ListingErrorRole:
        return s.listingError;
    default:
        return {};
    }
}

QHash<int, QByteArray> RemoteServerList::roleNames() const
{
    return { { IdRole, "serverId" }, { NameRole, "name" }, { BaseUrlRole, "baseUrl" }, { HostRole, "host" },
        { KeyPlaceRole, "keyPlace" }, { KeyMessageRole, "keyMessage" }, { WarningRole, "warning" },
        { ModelsRole, "models" }, { ListingRole, "listing" }, { ListingErrorRole, "listingError" } };
}

QVariantList RemoteServerList::pickerEntries() const
{
    QVariantList entries;
    for (int row = 0; row < m_servers.size(); ++row) {
        const Server& s = m_servers.at(row);
        entries.append(QVariantMap { { "kind", "server" }, { "row", row },
            { "text", tr("%1 — %2").arg(s.name, checkServerAddress(s.baseUrl).host) } });
        auto status = [&](const QString& text) {
            entries.append(QVariantMap { { "kind", "status" }, { "row", row }, { "text", text } });
        };
        switch (s.listing) {
        case Listing::Idle:
        case Listing::Listing:
            status(tr("Asking for its models…"));
            break;
        case Listing::Failed:
            status(s.listingError);
            break;
        case Listing::Listed:
            if (s.models.isEmpty()) status(tr("The server lists no models."));
            for (const QString& model : s.models)
                entries.append(QVariantMap {
                    { "kind", "model" }, { "row", row }, { "model", model }, { "text", model } });
            break;
        }
    }
    return entries;
}

QVariantMap RemoteServerList::checkAddress(const QString& typed) const
{
    const ServerAddress checked = checkServerAddress(typed);
    return { { "baseUrl", checked.baseUrl }, { "host", checked.host }, { "error", checked.error },
        { "warning", checked.warning }, { "note", checked.note } };
}

QString RemoteServerList::add(
    const QString& name, const QString& baseUrl, const QString& apiKey, bool keyInDatabase)
{
    const ServerAddress address = checkServerAddress(baseUrl);
    if (!address.error.isEmpty()) return address.error;
    Server server;
    server.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    server.name = name.trimmed().isEmpty() ? address.host : name.trimmed();
    server.baseUrl = address.baseUrl;
    beginInsertRows({}, int(m_servers.size()), int(m_servers.size()));
    m_servers.append(server);
    endInsertRows();
    emit countChanged();
    emit pickerEntriesChanged();
    storeKey(server.id, apiKey.trimmed(), keyInDatabase);
    save();
    return {};
}

QString RemoteServerList::update(int row, const QString& name, const QString& baseUrl, const QString& apiKey,
    bool keyInDatabase, bool forgetKey)
{
    if (row < 0 || row >= m_servers.size()) return tr("There is no such server.");
    const ServerAddress address = checkServerAddress(baseUrl);
    if (!address.error.isEmpty()) return address.error;
    Server& server = m_servers[row];
    const bool addressChanged = server.baseUrl != address.baseUrl;
    server.name = name.trimmed().isEmpty() ? address.host : name.trimmed();
    server.baseUrl = address.baseUrl;
    if (addressChanged) {
        server.models.clear();
        server.listing = Listing::Idle;
        server.listingError.clear();
        ++server.listingGeneration;
    }
    const QString id = server.id;
    const KeyPlace wanted = keyInDatabase ? KeyPlace::Database : KeyPlace::SecretStore;
    if (forgetKey || !apiKey.trimmed().isEmpty()) {
        storeKey(id, forgetKey ? QString() : apiKey.trimmed(), keyInDatabase);
    } else if (server.keyPlace != KeyPlace::None && server.keyPlace != wanted) {
        // The same key, moved: into the database with the user's consent, out of it, or to the
        // secret store again once one runs.
        withKey(id, [this, id, keyInDatabase](std::optional<QString> key, const QString& error) {
            const int at = rowOf(id);
            if (at < 0) return;
            if (key) {
                storeKey(id, *key, keyInDatabase);
            } else {
                m_servers[at].keyMessage = error;
                changed(at);
            }
        });
    }
    changed(row);
    save();
    return {};
}

void RemoteServerList::remove(int row)
{
    if (row < 0 || row >= m_servers.size()) return;
    const Server server = m_servers.at(row);
    beginRemoveRows({}, row, row);
    m_servers.removeAt(row);
    endRemoveRows();
    emit countChanged();
    emit pickerEntriesChanged();
    m_keys.remove(server.id);
    dropStoredKey(server);
    save();
}

void RemoteServerList::listModels(int row)
{
    if (row < 0 || row >= m_servers.size()) return;
    Server& server = m_servers[row];
    if (server.listing == Listing::Listing) return;
    server.listing = Listing::Listing;
    const int generation = ++server.listingGeneration;
    changed(row);
    const QString id = server.id;
    withKey(id, [this, id, generation](std::optional<QString> key, const QString& error) {
        const int at = rowOf(id);
        if (at < 0 || m_servers.at(at).listingGeneration != generation) return;
        if (!key) {
            m_servers[at].listing = Listing::Failed;
            m_servers[at].listingError = error;
            changed(at);
            return;
        }
        listModelsInBackground(
            this, m_servers.at(at).baseUrl, *key, [this, id, generation](const ModelListing& listing) {
                const int now = rowOf(id);
                if (now < 0 || m_servers.at(now).listingGeneration != generation) return;
                Server& s = m_servers[now];
                s.listing = listing.ok ? Listing::Listed : Listing::Failed;
                s.models = listing.models;
                s.listingError = listing.error;
                changed(now);
            });
    });
}

void RemoteServerList::listAllModels()
{
    for (int row = 0; row < m_servers.size(); ++row)
        listModels(row);
}

void RemoteServerList::openModel(int row, const QString& model)
{
    if (row < 0 || row >= m_servers.size() || !m_modelController) return;
    const QString id = m_servers.at(row).id;
    withKey(id, [this, id, model](std::optional<QString> key, const QString& error) {
        const int at = rowOf(id);
        if (at < 0 || !m_modelController) return;
        const Server& server = m_servers.at(at);
        if (!key) {
            m_modelController->reportError(error);
            return;
        }
        m_modelController->openRemote(server.baseUrl, *key, model, tr("%1 @ %2").arg(model, server.name));
    });
}

int RemoteServerList::rowOf(const QString& id) const
{
    for (int row = 0; row < m_servers.size(); ++row)
        if (m_servers.at(row).id == id) return row;
    return -1;
}

void RemoteServerList::changed(int row)
{
    const QModelIndex at = index(row);
    emit dataChanged(at, at);
    emit pickerEntriesChanged();
}

// Step 1: the key is known for this session at once. Step 2: it is kept where the user chose — the
// database (consented, unencrypted) or the secret store — and removed from the other place.
void RemoteServerList::storeKey(const QString& id, const QString& key, bool inDatabase)
{
    const int row = rowOf(id);
    if (row < 0) return;
    Server& server = m_servers[row];
    // A new key in the same place overwrites the old one; the place left is cleared.
    dropStoredKey(server,
        key.isEmpty()    ? KeyPlace::None
            : inDatabase ? KeyPlace::Database
                         : KeyPlace::SecretStore);
    server.keyMessage.clear();
    if (key.isEmpty()) {
        m_keys.remove(id);
        server.keyPlace = KeyPlace::None;
        changed(row);
        return;
    }
    m_keys.insert(id, key);
    if (inDatabase) {
        server.keyPlace = KeyPlace::Database;
        changed(row);
        if (m_store) {
            const std::string name = (kKeyPrefix + id).toStdString();
            const std::string value = key.toStdString();
            m_store->async().post(
                [name, value](Database& db) { return hearth::storage::Settings(db).set(name, value); });
        }
        return;
    }
    server.keyPlace = KeyPlace::Unsaved;
    server.keyMessage = tr("Saving the key in the secret store…");
    changed(row);
    QPointer<RemoteServerList> self(this);
    secrets().write(secretName(id), key, [self, id, key](const SecretOutcome& outcome) {
        if (!self) return;
        const int at = self->rowOf(id);
        if (at < 0 || self->m_keys.value(id) != key) return; // removed, or another key came since
        Server& s = self->m_servers[at];
        const bool saved = outcome.status == SecretOutcome::Status::Ok;
        s.keyPlace = saved ? KeyPlace::SecretStore : KeyPlace::Unsaved;
        s.keyMessage = saved ? QString() : self->keyProblem(outcome, true);
        self->changed(at);
        self->save();
    });
}

void RemoteServerList::dropStoredKey(const Server& server, KeyPlace kept)
{
    if (server.keyPlace == kept) return;
    if (server.keyPlace == KeyPlace::Database && m_store) {
        const std::string name = (kKeyPrefix + server.id).toStdString();
        m_store->async().post([name](Database& db) { return hearth::storage::Settings(db).remove(name); });
    }
    if (server.keyPlace == KeyPlace::SecretStore)
        secrets().remove(secretName(server.id), [](const SecretOutcome&) {});
}

void RemoteServerList::withKey(const QString& id, WithKey done)
{
    const int row = rowOf(id);
    if (row < 0) return;
    const Server& server = m_servers.at(row);
    if (server.keyPlace == KeyPlace::None) return done(QString(), {});
    if (m_keys.contains(id)) return done(m_keys.value(id), {});
    if (server.keyPlace != KeyPlace::SecretStore)
        return done(std::nullopt,
            tr("The API key of %1 was not saved (no secret store took it). Edit the server in Settings, "
               "Remote servers, and enter it again.")
                .arg(server.name));
    QPointer<RemoteServerList> self(this);
    const QString name = server.name;
    secrets().read(secretName(id), [self, id, name, done](const SecretOutcome& outcome) {
        if (!self) return;
        if (outcome.status == SecretOutcome::Status::Ok) {
            self->m_keys.insert(id, outcome.secret);
            return done(outcome.secret, {});
        }
        if (outcome.status == SecretOutcome::Status::NotFound)
            return done(std::nullopt,
                tr("The secret store has no API key for %1. Edit the server in Settings, Remote servers, "
                   "and enter it again.")
                    .arg(name));
        done(std::nullopt, self->keyProblem(outcome, false));
    });
}

QString RemoteServerList::keyProblem(const SecretOutcome& outcome, bool saving) const
{
    const QString detail = outcome.detail.isEmpty() ? QString() : tr(" (it said: %1)").arg(outcome.detail);
    const QString kept = saving ? tr(" The key is kept only until Hearth quits.") : QString();
    const QString advice = tr(" Start or unlock your desktop's keyring (GNOME Keyring, KWallet, or KeePassXC "
                              "with its Secret Service turned on) and enter the key again, or tick “Keep "
                              "the key in Hearth's database, unencrypted” for this server.");
    switch (outcome.status) {
    case SecretOutcome::Status::Unavailable:
        return (saving ? tr("No secret store is running on this desktop, so the API key was not saved.")
                       : tr("No secret store is running on this desktop, so the API key cannot be read."))
            + kept + advice;
    case SecretOutcome::Status::Denied:
        return tr("The secret store refused access to the API key%1.").arg(detail) + kept
            + tr(" Allow Hearth in your keyring, or enter the key again.");
    default:
        return (saving ? tr("The secret store could not save the API key%1.")
                       : tr("The secret store could not read the API key%1."))
                   .arg(detail)
            + kept + advice;
    }
}

void RemoteServerList::save()
{
    if (!m_store) return;
    QJsonArray list;
    for (const Server& s : std::as_const(m_servers))
        list.append(QJsonObject { { "id", s.id }, { "name", s.name }, { "baseUrl", s.baseUrl },
            { "key", keyPlaceName(s.keyPlace) } });
    const std::string json = QJsonDocument(list).toJson(QJsonDocument::Compact).toStdString();
    m_store->async().post([json](Database& db) { return hearth::storage::Settings(db).set(kListKey, json); });
}

void RemoteServerList::load()
{
    m_store->async().post(
        this, [](Database& db) { return hearth::storage::Settings(db).all(); },
        [this](hearth::Result<std::map<std::string, std::string>> result) {
            if (result.ok()) {
                const auto& all = result.value();
                QList<Server> servers;
                if (const auto list = all.find(kListKey); list != all.end()) {
                    const QJsonArray array
                        = QJsonDocument::fromJson(QByteArray::fromStdString(list->second)).array();
                    for (const QJsonValue& value : array) {
                        const QJsonObject o = value.toObject();
                        Server s;
                        s.id = o.value("id").toString();
                        s.name = o.value("name").toString();
                        s.baseUrl = o.value("baseUrl").toString();
                        s.keyPlace = keyPlaceFrom(o.value("key").toString());
                        if (s.id.isEmpty() || s.baseUrl.isEmpty()) continue;
                        if (s.keyPlace == KeyPlace::Database) {
                            const auto key = all.find((kKeyPrefix + s.id).toStdString());
                            if (key != all.end()) m_keys.insert(s.id, QString::fromStdString(key->second));
                        }
                        servers.append(s);
                    }
                }
                beginResetModel();
                m_servers = servers;
                endResetModel();
                emit countChanged();
                emit pickerEntriesChanged();
            }
            m_loaded = true;
            emit loadedChanged();
        });
}
