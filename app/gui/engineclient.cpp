// EngineClient: QProcess + frames + restart policy.
#include "engineclient.h"

#include <QFileInfo>
#include <QTimer>

using namespace hearth::protocol;

EngineClient::EngineClient(QObject* parent)
    : QObject(parent)
{
}

EngineClient::~EngineClient()
{
    if (!m_process) return;
    // Closing stdin ends the engine cleanly (it cancels and exits); kill it if it lingers. Our
    // slots must not run (and restart it) while it goes.
    m_stopping = true;
    disconnect(m_process, nullptr, this, nullptr);
    m_process->closeWriteChannel();
    if (!m_process->waitForFinished(1500)) {
        m_process->kill();
        m_process->waitForFinished(1000);
    }
}

void EngineClient::setProgram(const QString& program)
{
    if (program == m_program) return;
    m_program = program;
    emit programChanged();
}

void EngineClient::start()
{
    if (m_process) return;
    launch();
}

void EngineClient::launch()
{
    // Step 1: a fresh process and a fresh decoder (a partial frame of the dead one is meaningless).
    m_reader = FrameReader();
    m_ready = false;
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &EngineClient::onReadyRead);
    connect(m_process, &QProcess::finished, this, &EngineClient::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            const QString message = tr("The engine program could not be started (%1).").arg(m_program);
            emit loadFailed("NoEngine", message, {});
            emit engineCrashed(QString(), message);
            m_process->deleteLater();
            m_process = nullptr;
        }
    });
    m_process->start(m_program, {});
}

void EngineClient::send(const QJsonObject& message)
{
    if (!m_process) launch();
    if (!m_ready) {
        m_outbox.append(message);
        return;
    }
    m_process->write(encodeFrame(message));
}

void EngineClient::load(const LoadRequest& r)
{
    m_lastLoad = QJsonObject { { "type", type::load }, { "path", r.path }, { "backend", r.backend },
        { "device", r.device }, { "context", r.context }, { "fitContext", r.fitContext },
        { "threads", r.threads }, { "tuneKernels", r.tuneKernels } };
    m_loadPending = true;
    send(m_lastLoad);
}

void EngineClient::connectRemote(const QString& baseUrl, const QString& apiKey, const QString& model)
{
    m_lastLoad = QJsonObject { { "type", type::load },
        { "remote", QJsonObject { { "baseUrl", baseUrl }, { "apiKey", apiKey }, { "model", model } } } };
    m_loadPending = true;
    send(m_lastLoad);
}

void EngineClient::unload()
{
    m_lastLoad = {};
    m_loadedRequest = {};
    send({ { "type", type::unload } });
}

void EngineClient::requestDevices()
{
    send({ { "type", type::devices } });
}

void EngineClient::generate(const QString& id, const QJsonArray& messages, const QJsonObject& sampler,
    int maxTokens, GenerateMode mode)
{
    m_activeId = id;
    QJsonObject request { { "type", type::generate }, { "id", id }, { "messages", messages },
        { "sampler", sampler }, { "maxTokens", maxTokens } };
    if (mode.continueLast) request.insert("continueLast", true);
    if (mode.background) request.insert("background", true);
    send(request);
}

void EngineClient::cancel(const QString& id)
{
    send({ { "type", type::cancel }, { "id", id } });
}

void EngineClient::countTokens(const QString& id, const QStringList& texts, const QJsonArray& prompts)
{
    send({ { "type", type::count }, { "id", id }, { "texts", QJsonArray::fromStringList(texts) },
        { "prompts", prompts } });
}

void EngineClient::startServing(const QString& host, int port, const QString& apiKey, bool nextFreePort)
{
    m_lastServe = QJsonObject { { "type", type::serve }, { "host", host }, { "port", port },
        { "apiKey", apiKey }, { "nextFreePort", nextFreePort } };
    send(m_lastServe);
}

void EngineClient::stopServing()
{
    m_lastServe = {};
    send({ { "type", type::stopServing } });
}

void EngineClient::killEngine()
{
    if (m_process) m_process->kill();
}

void EngineClient::onReadyRead()
{
    m_reader.append(m_process->readAllStandardOutput());
    while (auto message = m_reader.next()) {
        if (!message->ok()) {
            qWarning("hearth: malformed frame from the engine: %s", message->error().message.c_str());
            if (m_reader.broken()) {
                // Nothing more can be trusted from this process: end it; onFinished restarts it.
                m_process->kill();
                return;
            }
            continue;
        }
        handle(message->value());
    }
}

void EngineClient::handle(const QJsonObject& m)
{
    const QString t = m.value("type").toString();
    const QString id = m.value("id").toString();
    if (t == type::hello) {
        m_ready = true;
        const QList<QJsonObject> queued = std::exchange(m_outbox, {});
        for (const QJsonObject& q : queued)
            m_process->write(encodeFrame(q));
        emit runningChanged();
    } else if (t == type::progress) {
        if (m.value("stage").toString() == QLatin1String("tuning"))
            emit tuningProgress(m.value("fraction").toDouble());
        else
            emit loadProgress(m.value("fraction").toDouble());
    } else if (t == type::loaded) {
        m_loadPending = false;
        m_loadedRequest = m_lastLoad;
        const QVariantMap info = m.value("info").toObject().toVariantMap();
        m_loadedBackend = info.value("backend").toString();
        emit modelLoaded(info);
    } else if (t == type::devices) {
        emit devicesListed(m.value("devices").toArray().toVariantList());
    } else if (t == type::piece) {
        emit pieceReceived(id, m.value("text").toString());
    } else if (t == type::done) {
        if (id == m_activeId) m_activeId.clear();
        emit generationFinished(id, m.value("stats").toObject().toVariantMap());
    } else if (t == type::counted) {
        QList<int> texts, prompts;
        for (const QJsonValue& v : m.value("texts").toArray())
            texts.append(v.toInt());
        for (const QJsonValue& v : m.value("prompts").toArray())
            prompts.append(v.toInt());
        emit tokensCounted(id, texts, prompts);
    } else if (t == type::serving) {
        // The port it got is the one to ask for after a restart, so that clients keep their address.
        if (!m_lastServe.isEmpty()) {
            m_lastServe.insert("port", m.value("port").toInt());
            m_lastServe.insert("nextFreePort", false);
        }
        QVariantMap serving = m.toVariantMap();
        serving.remove("type");
        emit servingStarted(serving);
    } else if (t == type::servingStopped) {
        emit servingStopped();
    } else if (t == type::served) {
        emit servedRequests(m.value("requests").toInt());
    } else if (t == type::error) {
        const QString code = m.value("code").toString();
        const QString message = m.value("message").toString();
        if (m.value("request").toString() == type::serve) {
            m_lastServe = {};
            emit servingFailed(code, message);
        } else if (m.value("request").toString() == type::load) {
            m_loadPending = false;
            // The engine keeps the model it had; a restart reloads that one.
            const QVariantMap stillLoaded = m.value("stillLoaded").toObject().toVariantMap();
            if (stillLoaded.isEmpty()) m_loadedRequest = {};
            m_lastLoad = m_loadedRequest;
            emit loadFailed(code, message, stillLoaded);
        } else if (!id.isEmpty()) {
            if (id == m_activeId) m_activeId.clear();
            emit generationFailed(id, code, message);
            // A lost device will not come back in this process: restart it on the CPU.
            if (code == "DeviceLost" && m_process) m_process->kill();
        } else {
            qWarning("hearth: engine error %s: %s", qPrintable(code), qPrintable(message));
        }
    }
}

void EngineClient::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_process->deleteLater();
    m_process = nullptr;
    const bool wasReady = m_ready;
    m_ready = false;
    emit runningChanged();
    if (m_stopping) return;

    // Step 1: tell what happened and close the reply that was streaming.
    const QString how = status == QProcess::CrashExit ? tr("The engine stopped unexpectedly.")
                                                      : tr("The engine exited (code %1).").arg(exitCode);
    const bool onGpu = m_loadedBackend == "vulkan";
    const QString message
        = onGpu ? how + ' ' + tr("Restarting it on the CPU.") : how + ' ' + tr("Restarting it.");
    const QString interrupted = std::exchange(m_activeId, QString());
    emit engineCrashed(interrupted, message);

    // Step 2: restart, a few times in quick succession at most (a model that kills the engine on
    // load would otherwise loop for ever).
    if (m_restarts >= 5 || (!wasReady && m_restarts >= 2)) {
        emit loadFailed("EngineDied", tr("The engine keeps stopping; it will not be restarted again."), {});
        return;
    }
    ++m_restarts;
    m_outbox.clear();
    QJsonObject reload = m_lastLoad;
    if (!reload.isEmpty() && onGpu) reload.insert("backend", "cpu");
    QTimer::singleShot(200, this, [this, reload] {
        if (m_process) return;
        launch();
        if (!reload.isEmpty()) {
            m_lastLoad = reload;
            m_loadPending = true;
            m_outbox.append(reload);
        }
        // The API server went with the process: listen again, on the same port.
        if (!m_lastServe.isEmpty()) m_outbox.append(m_lastServe);
    });
}
