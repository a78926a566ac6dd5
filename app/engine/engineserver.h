// The engine process's loop: reads request frames from one file descriptor, answers on another.
// The reader thread only decodes frames and handles `cancel` at once; everything slow (load,
// generate) runs in order on one worker thread, so a cancel is seen while a reply is streaming.
#pragma once

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
};

} // namespace hearth::engineproc
