// GetModelController: the "Get a model" page — the catalog with a fit mark per file, the downloads
// (on a worker thread: hashing a resumed part never blocks the window), the models folder's files
// with their type mix and fit, and the first-start offer. Nothing goes to the network unless the user
// clicks: download, resume, or refresh the catalog.
#pragma once

#include "catalog.h"
#include "downloadstatus.h"
#include "localmodelfacts.h"
#include "rowlistmodel.h"

#include <QObject>
#include <QPointer>
#include <QThread>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

class ModelController;
class SettingsController;
namespace hearth::download {
class CatalogRefresh;
class DownloadManager;
} // namespace hearth::download

class GetModelController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_MOC_INCLUDE("modelcontroller.h")
    Q_MOC_INCLUDE("settingscontroller.h")
    Q_PROPERTY(SettingsController* settings READ settings WRITE setSettings NOTIFY settingsChanged)
    Q_PROPERTY(ModelController* modelController READ modelController WRITE setModelController NOTIFY
            modelControllerChanged)
    // The app's data folder (AppOptions.dataDir): the default models folder is in it, and a catalog
    // fetched by "refresh" is kept there.
    Q_PROPERTY(QString dataDir READ dataDir WRITE setDataDir NOTIFY modelsFolderChanged)
    Q_PROPERTY(QString modelsFolder READ modelsFolder NOTIFY modelsFolderChanged)
    // Rows: modelId, modelName, description, licence, repo, file, type, key, sizeText, fitKind, fitText,
    // recommended, status ("" | "downloading" | "paused" | "failed" | "done" | "local").
    Q_PROPERTY(RowListModel* catalog READ catalog CONSTANT)
    // Rows: file, downloadState, progress, sizeText, speedText, timeLeftText, error, partKept.
    Q_PROPERTY(RowListModel* downloads READ downloads CONSTANT)
    // Rows: path, fileName, sizeText, typeMix, parameters, fitKind, fitText, link, target, error.
    Q_PROPERTY(RowListModel* localModels READ localModels CONSTANT)
    Q_PROPERTY(int catalogVersion READ catalogVersion NOTIFY catalogChanged)
    // Where "Check for a newer list" fetches: the setting, else the project's list (HEARTH_CATALOG_URL).
    Q_PROPERTY(QString catalogUrl READ catalogUrl NOTIFY catalogUrlChanged)
    Q_PROPERTY(QString defaultCatalogUrl READ defaultCatalogUrl CONSTANT)
    Q_PROPERTY(bool refreshing READ refreshing NOTIFY refreshingChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged) // the last thing to tell the user
    // The catalog's best file for this device: {key, name, type, sizeText, fitText}; empty before the
    // catalog is read.
    Q_PROPERTY(QVariantMap recommendation READ recommendation NOTIFY fitChanged)
    // True when the models folder is empty and no recent model but the bundled one exists.
    Q_PROPERTY(bool onlyBundledModel READ onlyBundledModel NOTIFY localModelsChanged)

public:
    explicit GetModelController(QObject* parent = nullptr);
    ~GetModelController() override;

    SettingsController* settings() const { return m_settings; }
    void setSettings(SettingsController* settings);
    ModelController* modelController() const { return m_modelController; }
    void setModelController(ModelController* controller);
    QString dataDir() const { return m_dataDir; }
    void setDataDir(const QString& dir);
    QString modelsFolder() const;
    RowListModel* catalog() { return &m_catalogRows; }
    RowListModel* downloads() { return &m_downloadRows; }
    RowListModel* localModels() { return &m_localRows; }
    int catalogVersion() const { return m_catalog.version; }
    QString catalogUrl() const;
    static QString defaultCatalogUrl();
    bool refreshing() const { return m_refreshing; }
    QString message() const { return m_message; }
    QVariantMap recommendation() const;
    bool onlyBundledModel() const;

    Q_INVOKABLE void download(const QString& key); // a catalog file, "MODEL-ID/TYPE"
    // The first-start offer: the file is loaded once it is downloaded and verified.
    Q_INVOKABLE void downloadAndOpen(const QString& key);
    Q_INVOKABLE void pause(const QString& file);
    Q_INVOKABLE void resume(const QString& file);
    Q_INVOKABLE void cancel(const QString& file);
    Q_INVOKABLE void dismiss(const QString& file);
    // Fetches the list at catalogUrl; it replaces the one shown (and is kept in the data folder for the
    // next start) only when it is a valid catalog of a higher version. `message` says what happened.
    Q_INVOKABLE void refreshCatalog();
    Q_INVOKABLE void setCatalogUrl(const QString& url); // empty or the default: the project's list
    Q_INVOKABLE void open(const QString& path); // as ModelController opens any file
    Q_INVOKABLE void remove(const QString& path); // a model in the folder (the page asks first)
    Q_INVOKABLE void addExisting(const QVariant& pathOrUrl, bool link);
    Q_INVOKABLE void setModelsFolder(const QVariant& pathOrUrl); // empty: the default
    Q_INVOKABLE void rescan();
    // The model's {name, description, licence, repo} for a catalog section header.
    Q_INVOKABLE QVariantMap modelSummary(const QString& modelId) const;

signals:
    void settingsChanged();
    void modelControllerChanged();
    void modelsFolderChanged();
    void catalogChanged();
    void catalogUrlChanged();
    void refreshingChanged();
    void messageChanged();
    void fitChanged();
    void localModelsChanged();

private:
    QString fetchedCatalogPath() const; // DATA_DIR/catalog.json
    void readCatalog();
    void setCatalog(const hearth::download::Catalog& catalog);
    void updateFits();
    QVariantMap fitOf(
        const hearth::download::CatalogModel& model, const hearth::download::CatalogFile& file) const;
    void startManager();
    void onDownloadChanged(const hearth::download::DownloadStatus& status);
    void onDownloadRemoved(const QString& file);
    void updateCatalogStatus(const QString& file);
    void setLocalFacts(const QList<LocalModelFacts>& facts);
    void say(const QString& message);

    QPointer<SettingsController> m_settings;
    QPointer<ModelController> m_modelController;
    QString m_dataDir;
    QString m_managerFolder; // the folder the running manager serves
    hearth::download::Catalog m_catalog;
    RowListModel m_catalogRows;
    RowListModel m_downloadRows;
    RowListModel m_localRows;
    QList<LocalModelFacts> m_localFacts;
    QHash<QString, hearth::download::DownloadStatus> m_downloads;
    QString m_openWhenDone; // the first-start offer loads its file once it is verified
    QThread m_thread;
    hearth::download::DownloadManager* m_manager = nullptr; // lives on m_thread
    hearth::download::CatalogRefresh* m_refresh = nullptr; // made on the first click
    bool m_refreshing = false;
    bool m_scanPending = false;
    int m_scanGeneration = 0;
    QString m_message;
};
