// The engine process's loop: reads request frames from one file descriptor, answers on another.
// The reader thread only decodes frames and handles `cancel` (and the API server's `serve` and
// `stopServing`) at once; everything slow (load, generate) runs in order on one worker thread, so a
// cancel is seen while a reply is streaming. The worker takes the model's turn (a GenerationQueue
// shared with the API server, apiserverhost.h) for everything that touches the model, so the
// window's work and the server's requests take turns.
#pragma once

#include "apiserverhost.h"
#include "inferenceapi.h"
#include "protocol.h"

#include <QJsonObject>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>

namespace hearth::engineproc {

class EngineServer {
public:
    EngineServer(InferenceApi& api, int inFd, int outFd);

    // Serves until the input ends (the GUI closed the pipe or vanished). Returns the exit code:
    // 0 on a clean end, 2 when the peer sent a stream we cannot resynchronise.
    int run();

private:
    void dispatch(const QJsonObject& message);
    void workerLoop();
    void runLoad(const QJsonObject& message);
    void runConnect(const QJsonObject& remote);
    void runGenerate(const QJsonObject& message);
    void runCount(const QJsonObject& message);
    // The API server, on the reader thread: starting binds the port, stopping waits for its threads.
    void runServe(const QJsonObject& message);
    void runStopServing();
    // On the worker, holding the turn, after anything that may have changed the loaded model.
    void modelChanged();
    // Waits for the model's turn; false when `cancel` or the end of the session came first.
    bool takeTurn(server::GenerationQueue::Turn& turn, const std::atomic<bool>* cancel = nullptr);
    bool send(const QJsonObject& message);

    InferenceApi& m_api;
    std::optional<LoadOptions> m_loadedOptions; // how the model loaded now was asked for (worker thread)
    int m_inFd;
    int m_outFd;

    std::mutex m_writeMutex; // one frame at a time on the output

    std::mutex m_queueMutex; // guards the queue, m_stopping, m_currentId, m_cancelledIds
    std::condition_variable m_queueReady;
    std::deque<QJsonObject> m_queue;
    bool m_stopping = false;
    QString m_currentId;
    std::set<QString> m_cancelledIds;
    std::atomic<bool> m_cancel { false };
    std::atomic<bool> m_outputClosed { false };
    std::atomic<bool> m_shuttingDown { false };

    // The API server (declared after what it uses, so that it stops first).
    server::GenerationQueue m_turns { 8 }; // the model's line: the worker and the server's requests
    LoadedModelGenerator m_servedModel { m_api };
    std::mutex m_servingMutex;
    QJsonObject m_serving; // the last `serving` reply while the server runs; empty when stopped
    std::atomic<uint64_t> m_apiCompletions { 0 };
    ApiServerHost m_apiServer { m_servedModel, m_turns };
};

} // namespace hearth::engineproc
