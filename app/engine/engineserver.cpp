// Engine process loop: frame reader on the calling thread, inference on one worker thread.
#include "engineserver.h"

#include "util/thread_priority.h"
#include "wire.h"

#include <QDir>
#include <QJsonArray>
#include <QStandardPaths>
#include <cerrno>
#include <cstdio>
#include <thread>
#include <unistd.h>

namespace hearth::engineproc {

using namespace hearth::protocol;

EngineServer::EngineServer(InferenceApi& api, int inFd, int outFd)
    : m_api(api)
    , m_inFd(inFd)
    , m_outFd(outFd)
{
}

bool EngineServer::send(const QJsonObject& message)
{
    const QByteArray frame = encodeFrame(message);
    if (frame.isEmpty()) return false;
    std::lock_guard lock(m_writeMutex);
    qsizetype written = 0;
    while (written < frame.size()) {
        const ssize_t n = ::write(m_outFd, frame.constData() + written, size_t(frame.size() - written));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            // The GUI is gone: stop generating for nobody.
            m_outputClosed = true;
            m_cancel = true;
            return false;
        }
        written += n;
    }
    return true;
}

int EngineServer::run()
{
    send({ { "type", type::hello }, { "version", kVersion } });
    std::thread worker([this] { workerLoop(); });

    // Step 1: read and decode frames until the input ends.
    FrameReader reader;
    int exitCode = 0;
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(m_inFd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        reader.append(QByteArray(buffer, n));
        bool fatal = false;
        while (auto message = reader.next()) {
            if (!message->ok()) {
                send(errorMessage("Protocol", QString::fromStdString(message->error().message)));
                if (reader.broken()) {
                    fatal = true;
                    break;
                }
                continue;
            }
            dispatch(message->value());
        }
        if (fatal) {
            exitCode = 2;
            break;
        }
    }
    if (reader.pendingBytes() > 0)
        std::fprintf(stderr, "hearth-engine: input ended inside a frame (%lld bytes pending)\n",
            static_cast<long long>(reader.pendingBytes()));

    // Step 2: the peer is gone or broken; close the API server, cancel what runs and let the worker
    // finish.
    m_shuttingDown = true;
    m_apiServer.stop();
    {
        std::lock_guard lock(m_queueMutex);
        m_stopping = true;
        m_queue.clear();
    }
    m_cancel = true;
    m_queueReady.notify_all();
    worker.join();
    return exitCode;
}

void EngineServer::dispatch(const QJsonObject& message)
{
    const QString t = message.value("type").toString();
    if (!isRequestType(t)) {
        send(errorMessage("Protocol", QStringLiteral("unknown request type \"%1\"").arg(t)));
        return;
    }
    if (t == type::cancel) {
        // Cancel acts now: the current generation sees the flag at its next token; a queued one
        // is answered as cancelled when its turn comes.
        const QString id = message.value("id").toString();
        std::lock_guard lock(m_queueMutex);
        if (!id.isEmpty() && id == m_currentId)
            m_cancel = true;
        else if (!id.isEmpty())
            m_cancelledIds.insert(id);
        return;
    }
    if (t == type::serve) return runServe(message);
    if (t == type::stopServing) return runStopServing();
    {
        std::lock_guard lock(m_queueMutex);
        m_queue.push_back(message);
    }
    m_queueReady.notify_one();
}

void EngineServer::workerLoop()
{
    for (;;) {
        QJsonObject message;
        {
            std::unique_lock lock(m_queueMutex);
            m_queueReady.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping) return;
            message = m_queue.front();
            m_queue.pop_front();
        }
        const QString t = message.value("type").toString();
        server::GenerationQueue::Turn turn; // the model's, for what uses the model
        if (t == type::load) {
            if (!takeTurn(turn)) return;
            runLoad(message);
            modelChanged();
        } else if (t == type::generate) {
            runGenerate(message); // takes the turn itself: a cancel ends its wait
        } else if (t == type::count) {
            if (!takeTurn(turn)) return;
            runCount(message);
        } else if (t == type::unload) {
            if (!takeTurn(turn)) return;
            m_api.unload();
            m_loadedOptions.reset();
            m_servedModel.modelChanged();
            send({ { "type", type::unloaded } });
            modelChanged();
        } else if (t == type::devices) {
            QJsonArray list;
            for (const DeviceInfo& d : m_api.devices())
                list.append(toJson(d));
            send({ { "type", type::devices }, { "devices", list } });
        }
    }
}

void EngineServer::runLoad(const QJsonObject& message)
{
    if (message.value("remote").isObject()) {
        runConnect(message.value("remote").toObject());
        return;
    }
    LoadOptions options = loadOptionsFromJson(message);
    if (options.modelPath.empty()) {
        send(errorMessage("InvalidArgument", QStringLiteral("No model file was given."), {}, type::load));
        return;
    }
    // Compiled GPU pipelines are kept in the user's cache folder (XDG_CACHE_HOME), so the second start
    // of the same model on the same device skips the driver's shader compile.
    const QString cacheDir
        = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + "/hearth";
    if (QDir().mkpath(cacheDir)) options.pipelineCacheDir = cacheDir.toStdString();
    // Progress frames at most once per whole percent: enough for a smooth bar, few frames. Tuning the
    // kernels for the GPU (the first load of this model there) is a stage of its own, which the
    // window names ("Tuning for your GPU…").
    auto progressFrames = [this](const QString& stage) {
        return [this, stage, lastPercent = -1](float fraction) mutable {
            const int percent = int(fraction * 100.0f);
            if (percent == lastPercent) return;
            lastPercent = percent;
            QJsonObject frame { { "type", type::progress }, { "fraction", double(fraction) } };
            if (!stage.isEmpty()) frame.insert("stage", stage);
            send(frame);
        };
    };
    options.progress = progressFrames({});
    options.tuningProgress = progressFrames(QStringLiteral("tuning"));
    const bool hadModel = m_api.loaded();
    const Status status = m_api.load(options);
    if (!status.ok()) {
        // A failed load keeps the model that was loaded: the engine checks the new file before it
        // lets the old model go, and when the failure came later (the GPU's memory, the device), the
        // old model is loaded again here. The error then says which model is still loaded.
        if (hadModel && !m_api.loaded() && m_loadedOptions) (void)m_api.load(*m_loadedOptions);
        QJsonObject reply = errorMessage(errorCodeName(status.error().code),
            QString::fromStdString(status.error().message), {}, type::load);
        if (m_api.loaded())
            reply.insert("stillLoaded", toJson(m_api.info()));
        else
            m_loadedOptions.reset();
        m_servedModel.modelChanged(); // before the reply: a serve after it sees the model
        send(reply);
        return;
    }
    options.progress = nullptr; // it points into this call
    m_loadedOptions = options;
    m_servedModel.modelChanged();
    send({ { "type", type::loaded }, { "info", toJson(m_api.info()) } });
}

// A server's model instead of a file. A failure keeps what was loaded, as a failed load does.
void EngineServer::runConnect(const QJsonObject& remote)
{
    const RemoteModel model { remote.value("baseUrl").toString().toStdString(),
        remote.value("apiKey").toString().toStdString(), remote.value("model").toString().toStdString() };
    const Status status = m_api.connectRemote(model);
    if (!status.ok()) {
        QJsonObject reply = errorMessage(errorCodeName(status.error().code),
            QString::fromStdString(status.error().message), {}, type::load);
        if (m_api.loaded()) reply.insert("stillLoaded", toJson(m_api.info()));
        m_servedModel.modelChanged(); // before the reply: a serve after it sees the model
        send(reply);
        return;
    }
    m_loadedOptions.reset(); // a later failed load has no file to go back to; the server stays
    m_servedModel.modelChanged();
    send({ { "type", type::loaded }, { "info", toJson(m_api.info()) } });
}

void EngineServer::runGenerate(const QJsonObject& message)
{
    const QString id = message.value("id").toString();
    // Step 1: a request cancelled while it waited in the queue ends at once.
    {
        std::lock_guard lock(m_queueMutex);
        if (m_cancelledIds.erase(id) > 0) {
            GenerateStats stats;
            stats.stopReason = StopReason::Cancelled;
            send({ { "type", type::done }, { "id", id }, { "stats", toJson(stats) } });
            return;
        }
        m_currentId = id;
        m_cancel = false;
    }
    auto finish = [this] {
        std::lock_guard lock(m_queueMutex);
        m_currentId.clear();
    };
    // Step 1b: the model's turn (the API server may be generating); a cancel while waiting ends it.
    server::GenerationQueue::Turn turn;
    if (!takeTurn(turn, &m_cancel)) {
        GenerateStats stats;
        stats.stopReason = StopReason::Cancelled;
        send({ { "type", type::done }, { "id", id }, { "stats", toJson(stats) } });
        finish();
        return;
    }
    // Step 2: validate.
    if (id.isEmpty()) {
        send(
            errorMessage("InvalidArgument", QStringLiteral("generate needs an \"id\"."), {}, type::generate));
        finish();
        return;
    }
    if (!m_api.loaded()) {
        send(errorMessage("NotLoaded", QStringLiteral("No model is loaded."), id, type::generate));
        finish();
        return;
    }
    Result<GenerateRequest> request = generateRequestFromJson(message);
    if (!request.ok()) {
        send(errorMessage(errorCodeName(request.error().code),
            QString::fromStdString(request.error().message), id, type::generate));
        finish();
        return;
    }
    // Step 3: stream pieces; a closed output or a cancel stops at the next token. A background job
    // computes on a thread of low priority made for it (a thread's priority cannot be raised again).
    auto generate = [&] {
        return m_api.generate(
            request.value(),
            [this, &id](std::string_view piece) {
                send({ { "type", type::piece }, { "id", id },
                    { "text", QString::fromUtf8(piece.data(), qsizetype(piece.size())) } });
                return !m_cancel.load() && !m_outputClosed.load();
            },
            &m_cancel);
    };
    Result<GenerateStats> stats = request->background ? runAtLowPriority(generate) : generate();
    // Step 4: done with the numbers, or the error as the user should read it.
    if (stats.ok()) {
        GenerateStats s = stats.value();
        if (m_cancel.load()) s.stopReason = StopReason::Cancelled;
        send({ { "type", type::done }, { "id", id }, { "stats", toJson(s) } });
    } else if (stats.error().code == ErrorCode::Cancelled) {
        GenerateStats s;
        s.stopReason = StopReason::Cancelled;
        send({ { "type", type::done }, { "id", id }, { "stats", toJson(s) } });
    } else {
        send(errorMessage(errorCodeName(stats.error().code), QString::fromStdString(stats.error().message),
            id, type::generate));
    }
    finish();
}

bool EngineServer::takeTurn(server::GenerationQueue::Turn& turn, const std::atomic<bool>* cancel)
{
    const auto entry = m_turns.enter(
        turn, [this, cancel] { return m_shuttingDown.load() || (cancel && cancel->load()); },
        server::GenerationQueue::Admission::Always);
    return entry == server::GenerationQueue::Entry::Granted;
}

void EngineServer::modelChanged()
{
    m_servedModel.modelChanged(); // already, when the reply went out; again is harmless
    QJsonObject serving;
    {
        std::lock_guard lock(m_servingMutex);
        if (m_serving.isEmpty()) return;
        m_serving.insert("model", QString::fromStdString(m_servedModel.modelId()));
        serving = m_serving;
    }
    send(serving);
}

void EngineServer::runServe(const QJsonObject& message)
{
    ServeSettings settings;
    settings.host = message.value("host").toString("127.0.0.1").toStdString();
    settings.port = message.value("port").toInt(8080);
    settings.nextFreePort = message.value("nextFreePort").toBool(false);
    settings.apiKey = message.value("apiKey").toString().toStdString();
    {
        std::lock_guard lock(m_servingMutex);
        m_serving = {};
    }
    m_apiCompletions = 0;
    const auto started = m_apiServer.start(settings, [this] {
        send({ { "type", type::served }, { "requests", double(++m_apiCompletions) } });
    });
    if (const auto* error = std::get_if<ServeError>(&started)) {
        const char* code = error->kind == ServeError::Kind::PortInUse ? "PortInUse"
            : error->kind == ServeError::Kind::BadAddress             ? "BadAddress"
                                                                      : "InvalidArgument";
        send(errorMessage(code, QString::fromStdString(error->message), {}, type::serve));
        return;
    }
    const int port = std::get<int>(started);
    // The address a program on this machine uses; one that listens on every interface is reached
    // through loopback too.
    const QString host = QString::fromStdString(settings.host);
    QString local = host == "0.0.0.0" ? QStringLiteral("127.0.0.1")
        : host == "::"                ? QStringLiteral("::1")
                                      : host;
    if (local.contains(':')) local = '[' + local + ']';
    const QJsonObject serving { { "type", type::serving }, { "host", host }, { "port", port },
        { "url", QStringLiteral("http://%1:%2/v1").arg(local).arg(port) },
        { "model", QString::fromStdString(m_servedModel.modelId()) } };
    {
        std::lock_guard lock(m_servingMutex);
        m_serving = serving;
    }
    send(serving);
}

void EngineServer::runStopServing()
{
    m_apiServer.stop();
    {
        std::lock_guard lock(m_servingMutex);
        m_serving = {};
    }
    send({ { "type", type::servingStopped } });
}

// Token counts for the GUI's document planning: `texts` as plain text, `prompts` (arrays of
// {role, content}) as generate() would prompt them. One answer per entry, in order.
void EngineServer::runCount(const QJsonObject& message)
{
    const QString id = message.value("id").toString();
    if (!m_api.loaded()) {
        send(errorMessage("NotLoaded", QStringLiteral("No model is loaded."), id, type::count));
        return;
    }
    QJsonArray texts;
    for (const QJsonValue& v : message.value("texts").toArray()) {
        const Result<uint32_t> n = m_api.countTokens(v.toString().toStdString());
        if (!n.ok()) {
            send(errorMessage(
                errorCodeName(n.error().code), QString::fromStdString(n.error().message), id, type::count));
            return;
        }
        texts.append(double(n.value()));
    }
    QJsonArray prompts;
    for (const QJsonValue& v : message.value("prompts").toArray()) {
        std::vector<ChatMessage> messages;
        for (const QJsonValue& m : v.toArray())
            messages.push_back({ m.toObject().value("role").toString().toStdString(),
                m.toObject().value("content").toString().toStdString() });
        const Result<uint32_t> n = m_api.countPromptTokens(messages);
        if (!n.ok()) {
            send(errorMessage(
                errorCodeName(n.error().code), QString::fromStdString(n.error().message), id, type::count));
            return;
        }
        prompts.append(double(n.value()));
    }
    send({ { "type", type::counted }, { "id", id }, { "texts", texts }, { "prompts", prompts } });
}

} // namespace hearth::engineproc
