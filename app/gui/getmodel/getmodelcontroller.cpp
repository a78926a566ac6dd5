#include "getmodelcontroller.h"

#include "catalogrefresh.h"
#include "chatstore.h"
#include "downloadmanager.h"
#include "engineclient.h"
#include "modelcontroller.h"
#include "modeldetails.h"
#include "modelfit.h"
#include "modelsfolder.h"
#include "settingscontroller.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLocale>
#include <QNetworkProxyFactory>
#include <QtConcurrent/QtConcurrentRun>

using namespace hearth::download;

namespace {

const char* kBundledCatalog = ":/hearth/catalog.json";

// Download sizes as Hugging Face shows them (decimal: 4.9 GB is 4.9e9 bytes), with three figures:
// "808 MB", "4.9 GB", "13.6 GB".
QString sizeText(qint64 bytes)
{
    double scaled = double(bytes);
    while (scaled >= 1000)
        scaled /= 1000;
    return QLocale().formattedDataSize(bytes, scaled >= 100 ? 0 : 1, QLocale::DataSizeSIFormat);
}

QString stateName(DownloadState state)
{
    switch (state) {
    case DownloadState::Paused:
        return QStringLiteral("paused");
    case DownloadState::Listing:
        return QStringLiteral("listing");
    case DownloadState::Downloading:
        return QStringLiteral("downloading");
    case DownloadState::Done:
        return QStringLiteral("done");
    case DownloadState::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

QString timeLeftText(qint64 seconds)
{
    if (seconds < 0) return {};
    if (seconds < 60) return GetModelController::tr("%1 s left").arg(seconds);
    if (seconds < 3600) return GetModelController::tr("about %1 min left").arg((seconds + 59) / 60);
    return GetModelController::tr("about %1 h %2 min left").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

QVariantMap downloadRow(const DownloadStatus& s)
{
    const QString size = s.total > 0
        ? GetModelController::tr("%1 of %2").arg(sizeText(s.bytes), sizeText(s.total))
        : sizeText(s.bytes);
    const bool moving = s.state == DownloadState::Downloading;
    return { { "file", s.file }, { "downloadState", stateName(s.state) },
        { "progress", s.total > 0 ? double(s.bytes) / double(s.total) : 0.0 }, { "sizeText", size },
        { "speedText",
            moving && s.bytesPerSecond > 0 ? sizeText(qint64(s.bytesPerSecond)) + "/s" : QString() },
        { "timeLeftText", moving ? timeLeftText(s.secondsLeft) : QString() }, { "error", s.error },
        { "partKept", s.partKept } };
}

// The catalog the app ships, and one fetched later when it is newer.
Catalog readCatalogFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    auto catalog = parseCatalog(f.readAll());
    return catalog ? *catalog : Catalog {};
}

QString localPath(const QVariant& pathOrUrl)
{
    const QUrl url = pathOrUrl.toUrl();
    return url.isLocalFile() ? url.toLocalFile() : pathOrUrl.toString();
}

} // namespace

GetModelController::GetModelController(QObject* parent)
    : QObject(parent)
    , m_catalogRows({ "modelId", "modelName", "description", "licence", "repo", "file", "type", "key",
          "sizeText", "fitKind", "fitText", "recommended", "status", "progress" })
    , m_downloadRows({ "file", "downloadState", "progress", "sizeText", "speedText", "timeLeftText", "error",
          "partKept" })
    , m_localRows({ "path", "fileName", "sizeText", "typeMix", "parameters", "fitKind", "fitText", "link",
          "target", "error" })
{
    qRegisterMetaType<hearth::download::DownloadStatus>();
    // The user's proxy (http_proxy, https_proxy, no_proxy) for the catalog refresh too.
    QNetworkProxyFactory::setUseSystemConfiguration(true);
    m_thread.setObjectName(QStringLiteral("downloads"));
    m_thread.start();
    readCatalog();
}

GetModelController::~GetModelController()
{
    if (m_manager) QMetaObject::invokeMethod(m_manager, &QObject::deleteLater);
    m_thread.quit();
    m_thread.wait();
}

void GetModelController::setSettings(SettingsController* settings)
{
    if (settings == m_settings) return;
    if (m_settings) disconnect(m_settings, nullptr, this, nullptr);
    m_settings = settings;
    emit settingsChanged();
    if (!m_settings) return;
    connect(m_settings, &SettingsController::changed, this, &GetModelController::catalogUrlChanged);
    connect(m_settings, &SettingsController::changed, this, [this] {
        if (modelsFolder() != m_managerFolder) {
            startManager();
            rescan();
            emit modelsFolderChanged();
        }
        updateFits();
    });
    startManager();
    rescan();
    emit modelsFolderChanged();
    emit catalogUrlChanged();
}

void GetModelController::setModelController(ModelController* controller)
{
    if (controller == m_modelController) return;
    if (m_modelController) disconnect(m_modelController, nullptr, this, nullptr);
    m_modelController = controller;
    emit modelControllerChanged();
    if (!m_modelController) return;
    connect(m_modelController, &ModelController::devicesChanged, this, &GetModelController::updateFits);
    connect(m_modelController, &ModelController::recentModelsChanged, this,
        &GetModelController::localModelsChanged);
    updateFits();
}

void GetModelController::setDataDir(const QString& dir)
{
    if (dir == m_dataDir) return;
    m_dataDir = dir;
    readCatalog();
    startManager();
    rescan();
    emit modelsFolderChanged();
}

QString GetModelController::modelsFolder() const
{
    const QString chosen = m_settings ? m_settings->modelsFolder() : QString();
    if (!chosen.isEmpty()) return chosen;
    return m_dataDir.isEmpty() ? QString() : defaultModelsFolder(m_dataDir);
}

QString GetModelController::fetchedCatalogPath() const
{
    return m_dataDir.isEmpty() ? QString() : QDir(m_dataDir).filePath("catalog.json");
}

// The bundled catalog, or the one a refresh saved when it is newer (a later version of the app may
// bundle a newer one than was fetched). A saved list that no longer reads is ignored.
void GetModelController::readCatalog()
{
    Catalog catalog = readCatalogFile(kBundledCatalog);
    if (!m_dataDir.isEmpty()) {
        Catalog fetched = readCatalogFile(fetchedCatalogPath());
        if (fetched.version > catalog.version) catalog = fetched;
    }
    setCatalog(catalog);
}

QString GetModelController::defaultCatalogUrl()
{
    return QStringLiteral(HEARTH_CATALOG_URL);
}

QString GetModelController::catalogUrl() const
{
    const QString chosen = m_settings ? m_settings->catalogUrl() : QString();
    return chosen.isEmpty() ? defaultCatalogUrl() : chosen;
}

void GetModelController::setCatalogUrl(const QString& url)
{
    if (!m_settings) return;
    const QString trimmed = url.trimmed();
    m_settings->setCatalogUrl(trimmed == defaultCatalogUrl() ? QString() : trimmed);
}

void GetModelController::setCatalog(const Catalog& catalog)
{
    m_catalog = catalog;
    QList<QVariantMap> rows;
    for (const CatalogModel& m : std::as_const(m_catalog.models))
        for (const CatalogFile& f : m.files) {
            const QString key = m.id + '/' + f.type;
            rows << QVariantMap { { "modelId", m.id }, { "modelName", m.name },
                { "description", m.description }, { "licence", m.licence }, { "repo", m.repo },
                { "file", f.file }, { "type", f.type }, { "key", key },
                { "sizeText", tr("about %1").arg(sizeText(f.approxBytes)) },
                { "recommended", m_catalog.recommended.contains(key) }, { "status", QString() },
                { "progress", 0.0 } };
        }
    m_catalogRows.setRows(rows);
    for (int i = 0; i < rows.size(); ++i)
        updateCatalogStatus(rows[i].value("file").toString());
    updateFits();
    emit catalogChanged();
}

QVariantMap GetModelController::fitOf(const CatalogModel& model, const CatalogFile& file) const
{
    const FitDevice device = m_modelController
        ? fitDevice(m_modelController->devices(), m_settings ? m_settings->backend() : "auto",
            m_settings ? m_settings->device() : -1)
        : FitDevice {};
    const quint32 context
        = wantedContext(m_settings ? m_settings->contextSize() : 0, model.shape.trainedContext);
    return modelFit(footprintOf(file, model.shape), configFromShape(model.shape), context, device, true);
}

void GetModelController::updateFits()
{
    for (int i = 0; i < m_catalogRows.count(); ++i) {
        const CatalogEntry entry = m_catalog.find(m_catalogRows.row(i).value("key").toString());
        if (!entry.file) continue;
        const QVariantMap fit = fitOf(*entry.model, *entry.file);
        m_catalogRows.setRow(i, { { "fitKind", fit.value("kind") }, { "fitText", fit.value("text") } });
    }
    const FitDevice device = m_modelController
        ? fitDevice(m_modelController->devices(), m_settings ? m_settings->backend() : "auto",
            m_settings ? m_settings->device() : -1)
        : FitDevice {};
    for (int i = 0; i < m_localFacts.size(); ++i) {
        const LocalModelFacts& facts = m_localFacts[i];
        if (!facts.error.isEmpty()) continue;
        const quint32 context
            = wantedContext(m_settings ? m_settings->contextSize() : 0, facts.config.trainedContext);
        const QVariantMap fit = modelFit(facts.weights, facts.config, context, device, false);
        m_localRows.setRow(i, { { "fitKind", fit.value("kind") }, { "fitText", fit.value("text") } });
    }
    emit fitChanged();
}

QVariantMap GetModelController::recommendation() const
{
    QString best;
    for (const QString& key : m_catalog.recommended) {
        const CatalogEntry entry = m_catalog.find(key);
        if (entry.file && fitOf(*entry.model, *entry.file).value("kind") == "full") {
            best = key;
            break;
        }
    }
    if (best.isEmpty() && !m_catalog.recommended.isEmpty()) best = m_catalog.recommended.last();
    const CatalogEntry entry = m_catalog.find(best);
    if (!entry.file) return {};
    return { { "key", best }, { "name", entry.model->name }, { "type", entry.file->type },
        { "file", entry.file->file }, { "sizeText", tr("about %1").arg(sizeText(entry.file->approxBytes)) },
        { "fitText", fitOf(*entry.model, *entry.file).value("text") } };
}

bool GetModelController::onlyBundledModel() const
{
    if (m_localRows.count() > 0 || m_scanPending) return false;
    if (!m_modelController) return true;
    for (const QString& path : m_modelController->recentModels())
        if (path != m_modelController->bundledModel() && QFileInfo::exists(path)) return false;
    return true;
}

QVariantMap GetModelController::modelSummary(const QString& modelId) const
{
    for (const CatalogModel& m : m_catalog.models)
        if (m.id == modelId)
            return { { "name", m.name }, { "description", m.description }, { "licence", m.licence },
                { "repo", m.repo } };
    return {};
}

// The download manager for the current models folder, on the downloads thread. Partial downloads
// found there are listed as paused; nothing is fetched until the user resumes one.
void GetModelController::startManager()
{
    const QString folder = modelsFolder();
    if (folder.isEmpty() || folder == m_managerFolder) return;
    if (m_manager) QMetaObject::invokeMethod(m_manager, &QObject::deleteLater);
    m_managerFolder = folder;
    m_downloads.clear();
    m_downloadRows.setRows({});
    m_manager = new DownloadManager(folder);
    m_manager->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_manager, &QObject::deleteLater);
    connect(m_manager, &DownloadManager::changed, this, &GetModelController::onDownloadChanged);
    connect(m_manager, &DownloadManager::removed, this, &GetModelController::onDownloadRemoved);
    QMetaObject::invokeMethod(m_manager, &DownloadManager::restore);
}

void GetModelController::download(const QString& key)
{
    const CatalogEntry entry = m_catalog.find(key);
    if (!entry.file || !m_manager) return;
    const QString repo = entry.model->repo;
    const QString file = entry.file->file;
    QMetaObject::invokeMethod(m_manager, [m = m_manager, repo, file, key] { m->start(repo, file, key); });
}

void GetModelController::downloadAndOpen(const QString& key)
{
    const CatalogEntry entry = m_catalog.find(key);
    if (!entry.file) return;
    m_openWhenDone = entry.file->file;
    download(key);
}

void GetModelController::pause(const QString& file)
{
    if (m_manager) QMetaObject::invokeMethod(m_manager, [m = m_manager, file] { m->pause(file); });
}

void GetModelController::resume(const QString& file)
{
    if (m_manager) QMetaObject::invokeMethod(m_manager, [m = m_manager, file] { m->resume(file); });
}

void GetModelController::cancel(const QString& file)
{
    if (m_manager) QMetaObject::invokeMethod(m_manager, [m = m_manager, file] { m->cancel(file); });
}

void GetModelController::dismiss(const QString& file)
{
    if (m_manager) QMetaObject::invokeMethod(m_manager, [m = m_manager, file] { m->dismiss(file); });
}

void GetModelController::onDownloadChanged(const DownloadStatus& status)
{
    if (sender() != m_manager) return; // a manager of a folder no longer shown
    m_downloads.insert(status.file, status);
    const int row = m_downloadRows.find("file", status.file);
    if (row < 0)
        m_downloadRows.appendRow(downloadRow(status));
    else
        m_downloadRows.setRow(row, downloadRow(status));
    updateCatalogStatus(status.file);
    if (status.state == DownloadState::Done) {
        say(tr("%1 is downloaded and verified (sha256).").arg(status.file));
        rescan();
        if (status.file == m_openWhenDone) {
            m_openWhenDone.clear();
            open(status.path);
        }
    }
}

void GetModelController::onDownloadRemoved(const QString& file)
{
    if (sender() != m_manager) return;
    m_downloads.remove(file);
    m_downloadRows.removeRow(m_downloadRows.find("file", file));
    updateCatalogStatus(file);
}

void GetModelController::updateCatalogStatus(const QString& file)
{
    const int row = m_catalogRows.find("file", file);
    if (row < 0) return;
    QString status;
    double progress = 0;
    if (m_downloads.contains(file)) {
        const DownloadStatus& s = m_downloads[file];
        status = stateName(s.state);
        if (status == "listing") status = "downloading";
        progress = s.total > 0 ? double(s.bytes) / double(s.total) : 0;
    }
    if (status.isEmpty() || status == "done")
        status = m_localRows.find("fileName", file) >= 0 ? QStringLiteral("local") : status;
    m_catalogRows.setRow(row, { { "status", status }, { "progress", progress } });
}

void GetModelController::refreshCatalog()
{
    if (m_refreshing) return;
    const QUrl url = QUrl::fromUserInput(catalogUrl());
    if (!url.isValid() || (url.scheme() != "https" && url.scheme() != "http")) {
        say(tr("The catalog address is not an http(s) address: %1").arg(catalogUrl()));
        return;
    }
    if (!m_refresh) {
        m_refresh = new CatalogRefresh(this);
        connect(m_refresh, &CatalogRefresh::finished, this,
            [this](bool accepted, const QString& message, const Catalog& catalog) {
                m_refreshing = false;
                emit refreshingChanged();
                if (accepted) setCatalog(catalog);
                say(message);
            });
    }
    m_refreshing = m_refresh->start(url, m_catalog.version, fetchedCatalogPath());
    if (m_refreshing) emit refreshingChanged();
}

void GetModelController::open(const QString& path)
{
    if (m_modelController) m_modelController->open(path);
}

void GetModelController::remove(const QString& path)
{
    const hearth::Status removed = removeModel(modelsFolder(), path);
    say(removed.ok() ? tr("%1 was deleted.").arg(QFileInfo(path).fileName())
                     : tr("Could not delete it: %1").arg(QString::fromStdString(removed.error().message)));
    rescan();
}

void GetModelController::addExisting(const QVariant& pathOrUrl, bool link)
{
    const QString source = localPath(pathOrUrl);
    const QString folder = modelsFolder();
    say(link ? tr("Linking %1…").arg(QFileInfo(source).fileName())
             : tr("Copying %1…").arg(QFileInfo(source).fileName()));
    // The copy runs on a worker thread; its outcome comes back as an error message (empty: added).
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, source] {
        watcher->deleteLater();
        const QString error = watcher->result();
        say(error.isEmpty() ? tr("%1 is in the models folder.").arg(QFileInfo(source).fileName())
                            : tr("Could not add it: %1").arg(error));
        rescan();
    });
    watcher->setFuture(QtConcurrent::run([folder, source, link] {
        const auto added = addModel(folder, source, link ? AddMode::Link : AddMode::Copy);
        return added.ok() ? QString() : QString::fromStdString(added.error().message);
    }));
}

void GetModelController::setModelsFolder(const QVariant& pathOrUrl)
{
    if (!m_settings) return;
    QString path = localPath(pathOrUrl);
    if (!m_dataDir.isEmpty() && QDir(path) == QDir(defaultModelsFolder(m_dataDir))) path.clear();
    m_settings->setModelsFolder(path);
}

// The folder's models and their facts, read on a worker thread.
void GetModelController::rescan()
{
    const QString folder = modelsFolder();
    if (folder.isEmpty()) return;
    const int generation = ++m_scanGeneration;
    m_scanPending = true;
    auto* watcher = new QFutureWatcher<QList<LocalModelFacts>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_scanGeneration) return; // a newer scan is on its way
        m_scanPending = false;
        setLocalFacts(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([folder] {
        QList<LocalModelFacts> facts;
        for (const LocalModel& m : listModels(folder))
            facts << inspectModel(m);
        return facts;
    }));
}

void GetModelController::setLocalFacts(const QList<LocalModelFacts>& facts)
{
    m_localFacts = facts;
    QList<QVariantMap> rows;
    for (const LocalModelFacts& f : facts) {
        const double params = f.parameters;
        const QString count = params >= 1e9 ? QString::number(params / 1e9, 'f', 1) + "B"
            : params >= 1e6                 ? QString::number(params / 1e6, 'f', 1) + "M"
                                            : QString::number(params / 1e3, 'f', 0) + "K";
        rows << QVariantMap { { "path", f.file.path }, { "fileName", f.file.fileName },
            { "sizeText", sizeText(f.file.bytes) }, { "typeMix", typeMixText(f.typeMix) },
            { "parameters", f.error.isEmpty() ? tr("%1 parameters").arg(count) : QString() },
            { "fitKind", QString() }, { "fitText", QString() }, { "link", f.file.link },
            { "target", f.file.target }, { "error", f.error } };
    }
    m_localRows.setRows(rows);
    updateFits();
    for (int i = 0; i < m_catalogRows.count(); ++i)
        updateCatalogStatus(m_catalogRows.row(i).value("file").toString());
    emit localModelsChanged();
}

void GetModelController::say(const QString& message)
{
    m_message = message;
    emit messageChanged();
}
