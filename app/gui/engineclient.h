// EngineClient: the GUI's side of the engine protocol (docs/protocol.md). Starts hearth-engine as a
// child process, turns frames into value-carrying signals, and survives the engine: when the process
// dies it reports the generation that was streaming as interrupted, restarts the engine and reloads
// the model — on the CPU when the dead engine was on a GPU, since the GPU is the likely cause.
#pragma once

#include "protocol.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

// What a model load asks of the engine (docs/protocol.md, "load").
struct LoadRequest {
    QString path;
    QString backend = QStringLiteral("auto"); // "auto" | "cpu" | "vulkan"
    int device = -1; // -1 picks the best
    int context = 0; // 0 takes the default
    bool fitContext = false; // a context too large for the GPU's memory becomes the largest that fits
    int threads = 0; // CPU threads; 0: the physical cores
    bool tuneKernels = false; // on a GPU, tune the kernels on the first load of this model there
};

// How a generate request runs (docs/protocol.md, "generate").
struct GenerateMode {
    bool continueLast = false; // the last message is a partial reply to go on writing
    bool background = false; // a long job (a summary): the engine computes at low CPU priority
};

class EngineClient : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString program READ program WRITE setProgram NOTIFY programChanged)
    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    Q_PROPERTY(int restarts READ restarts NOTIFY runningChanged)
    Q_PROPERTY(qint64 processId READ processId NOTIFY runningChanged)

public:
    explicit EngineClient(QObject* parent = nullptr);
    ~EngineClient() override;

    QString program() const { return m_program; }
    void setProgram(const QString& program);
    bool running() const { return m_ready; }
    int restarts() const { return m_restarts; }
    qint64 processId() const { return m_process ? m_process->processId() : 0; }

    Q_INVOKABLE void start();
    // Loads a model file (answered by loadProgress/tuningProgress…, then modelLoaded or loadFailed).
    void load(const LoadRequest& request);
    // A model on an OpenAI-compatible server instead of a file: answered like a load (modelLoaded,
    // or loadFailed with the server's reason). baseUrl goes up to and including "/v1".
    Q_INVOKABLE void connectRemote(const QString& baseUrl, const QString& apiKey, const QString& model);
    Q_INVOKABLE void unload();
    Q_INVOKABLE void requestDevices();
    // docs/protocol.md, "generate".
    void generate(const QString& id, const QJsonArray& messages, const QJsonObject& sampler, int maxTokens,
        GenerateMode mode = {});
    Q_INVOKABLE void cancel(const QString& id);
    // Token counts under the loaded model (answered by tokensCounted, or generationFailed with this id):
    // plain texts, and prompts (arrays of {role, content}) with the chat format's tokens included.
    void countTokens(const QString& id, const QStringList& texts, const QJsonArray& prompts);
    // The OpenAI-compatible API server inside the engine, on the loaded model (docs/protocol.md,
    // "The API server"): answered by servingStarted or servingFailed. A restarted engine is asked
    // again, after its model is reloaded. nextFreePort: a taken port moves on to the next free one.
    void startServing(const QString& host, int port, const QString& apiKey, bool nextFreePort);
    // Answered by servingStopped.
    void stopServing();
    // Tests and the "engine crashed" drill: kill the process as a driver fault would.
    Q_INVOKABLE void killEngine();

signals:
    void programChanged();
    void runningChanged();
    void loadProgress(double fraction);
    void tuningProgress(double fraction); // loading goes on with tuning the kernels for the GPU
    void modelLoaded(const QVariantMap& info);
    // stillLoaded: the model the engine kept (the one loaded before), empty when none is loaded.
    void loadFailed(const QString& code, const QString& message, const QVariantMap& stillLoaded);
    void devicesListed(const QVariantList& devices);
    void pieceReceived(const QString& id, const QString& text);
    void generationFinished(const QString& id, const QVariantMap& stats);
    void generationFailed(const QString& id, const QString& code, const QString& message);
    void tokensCounted(const QString& id, const QList<int>& texts, const QList<int>& prompts);
    // The engine died while `id` was streaming (id empty when none was); the user should read message.
    void engineCrashed(const QString& id, const QString& message);
    // The API server listens (again, or serves another model): {host, port, url, model}.
    void servingStarted(const QVariantMap& serving);
    // code: "PortInUse", "BadAddress", "InvalidArgument"; message is for the user.
    void servingFailed(const QString& code, const QString& message);
    void servingStopped();
    // The server took its `requests`th completion since it started.
    void servedRequests(int requests);

private:
    void send(const QJsonObject& message);
    void onReadyRead();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void handle(const QJsonObject& message);
    void launch();

    QString m_program;
    QProcess* m_process = nullptr;
    hearth::protocol::FrameReader m_reader;
    bool m_ready = false; // hello received
    bool m_stopping = false; // we are shutting it down on purpose
    int m_restarts = 0;
    QList<QJsonObject> m_outbox; // requests sent before hello
    QJsonObject m_lastLoad; // replayed after a restart
    QJsonObject m_loadedRequest; // the load request of the model the engine holds
    QString m_loadedBackend; // "cpu" | "vulkan" of the loaded model
    QString m_activeId; // generation streaming now
    QJsonObject m_lastServe; // the running API server's request, replayed after a restart
    bool m_loadPending = false;
};
