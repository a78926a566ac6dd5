// A server's models (GET /v1/models through hearth_remote's OpenAiClient), asked on a worker thread
// so the window never waits for a slow or silent server; the answer comes back on `context`'s
// thread, or not at all when `context` is gone by then.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>

struct ModelListing {
    bool ok = false;
    QStringList models;
    QString error; // OpenAiClient's sentence: refused, unreachable, 401, 404, 429, 5xx, TLS, silence
};

// A listing waits this long for a server that accepted the connection but does not answer.
constexpr int kListingSilenceSeconds = 20;

void listModelsInBackground(QObject* context, const QString& baseUrl, const QString& apiKey,
    std::function<void(const ModelListing&)> done);
