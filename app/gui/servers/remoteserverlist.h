// RemoteServerList ("RemoteServers" in QML): the OpenAI-compatible servers the user has added
// (Settings, Remote servers) and the models each offers, for the model picker.
//
// The list (id, name, base URL, where the key is) is saved in the settings table under
// "remoteServers.list"; the API keys are not: they go to the desktop's secret store (SecretStore),
// or — only when the user ticks it for that server — to the settings table, unencrypted. When no
// secret store answers, the key is kept for this session only and the server says so.
// Models are listed (GET /v1/models) on a worker thread; the window never waits for a server.
#pragma once

#include "secretstore.h"

#include <QAbstractListModel>
#include <QHash>
#include <QPointer>
#include <QStringList>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>
#include <functional>
#include <optional>

class ChatStore;
class ModelController;

class RemoteServerList : public QAbstractListModel {
    Q_OBJECT
    QML_NAMED_ELEMENT(RemoteServers)
    Q_MOC_INCLUDE("chatstore.h")
    Q_MOC_INCLUDE("modelcontroller.h")
    Q_PROPERTY(ChatStore* store READ store WRITE setStore NOTIFY storeChanged)
    // Where a picked model is opened (ModelController::openRemote).
    Q_PROPERTY(ModelController* modelController READ modelController WRITE setModelController NOTIFY
            modelControllerChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY loadedChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // The model picker's rows, servers in order: { kind: "server" | "model" | "status", row, text,
    // model } — a server's name, then its models, or one line saying why there are none (listing,
    // an error, no models).
    Q_PROPERTY(QVariantList pickerEntries READ pickerEntries NOTIFY pickerEntriesChanged)

public:
    enum class KeyPlace {
        None, // the server takes no key
        SecretStore,
        Database, // the user agreed: unencrypted, in Hearth's database
        Unsaved, // given, but no secret store took it: kept until Hearth quits
    };
    enum class Listing { Idle, Listing, Listed, Failed };
    enum Roles {
        IdRole = Qt::UserRole + 1,
        NameRole,
        BaseUrlRole,
        HostRole,
        KeyPlaceRole, // "none" | "secretStore" | "database" | "unsaved"
        KeyMessageRole, // about the key, when the user should know something
        WarningRole, // plain http beyond this computer
        ModelsRole, // QStringList
        ListingRole, // "idle" | "listing" | "listed" | "failed"
        ListingErrorRole,
    };
    Q_ENUM(Roles)

    explicit RemoteServerList(QObject* parent = nullptr);

    ChatStore* store() const;
    void setStore(ChatStore* store);
    ModelController* modelController() const;
    void setModelController(ModelController* controller);
    bool loaded() const { return m_loaded; }
    int count() const { return int(m_servers.size()); }
    QVariantList pickerEntries() const;
    // The store for keys; by default the desktop's (KeychainSecretStore). Tests set a fake before
    // the list is used.
    void setSecretStore(SecretStore* secrets);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // { baseUrl, host, error, warning, note } for an address as typed (serveraddress.h), to show
    // under the field while the user types.
    Q_INVOKABLE QVariantMap checkAddress(const QString& typed) const;
    // Add or change a server. Returns an empty string, or why it was refused (nothing changed).
    // An empty name takes the host's. `apiKey` empty in update(): the key stays as it is, unless
    // `forgetKey`. The key is then stored asynchronously; KeyMessageRole reports a failure.
    Q_INVOKABLE QString add(
        const QString& name, const QString& baseUrl, const QString& apiKey, bool keyInDatabase);
    Q_INVOKABLE QString update(int row, const QString& name, const QString& baseUrl, const QString& apiKey,
        bool keyInDatabase, bool forgetKey = false);
    Q_INVOKABLE void remove(int row);
    // Ask the server (or all) for its models again.
    Q_INVOKABLE void listModels(int row);
    Q_INVOKABLE void listAllModels();
    // Load a server's model (ModelController::openRemote), labelled "model @ server name".
    Q_INVOKABLE void openModel(int row, const QString& model);

signals:
    void storeChanged();
    void modelControllerChanged();
    void loadedChanged();
    void countChanged();
    void pickerEntriesChanged();

private:
    struct Server {
        QString id; // stable: names the key in the secret store
        QString name;
        QString baseUrl;
        KeyPlace keyPlace = KeyPlace::None;
        QString keyMessage;
        QStringList models;
        Listing listing = Listing::Idle;
        QString listingError;
        int listingGeneration = 0; // answers to an older request are dropped
    };
    using WithKey = std::function<void(std::optional<QString> key, const QString& error)>;

    void load();
    void save();
    int rowOf(const QString& id) const;
    void changed(int row);
    SecretStore& secrets();
    void storeKey(const QString& id, const QString& key, bool inDatabase);
    void dropStoredKey(const Server& server, KeyPlace kept = KeyPlace::None);
    // The server's key from wherever it is (memory, database, secret store), then `done`.
    void withKey(const QString& id, WithKey done);
    QString keyProblem(const SecretOutcome& outcome, bool saving) const;

    QPointer<ChatStore> m_store;
    QPointer<ModelController> m_modelController;
    QPointer<SecretStore> m_secrets;
    QList<Server> m_servers;
    QHash<QString, QString> m_keys; // id → key, once known this session
    bool m_loaded = false;
};
