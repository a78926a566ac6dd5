// hearth-turnbench: time to first token turn after turn in one conversation, through the real
// engine process and protocol — the prefix cache at work. A program printing a table, not a test.
//   hearth-turnbench MODEL [--turns N] [--max-tokens N] [--backend cpu|vulkan|auto] [--engine PATH]
#include "protocol.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <cstdio>

using namespace hearth::protocol;

namespace {

// Reads frames until one of `type` arrives (or an error); pieces are appended to `text`.
QJsonObject waitFor(QProcess& p, FrameReader& reader, const QString& type, QString* text = nullptr,
    double* firstPieceMs = nullptr, const QElapsedTimer* clock = nullptr)
{
    for (;;) {
        while (auto m = reader.next()) {
            if (!m->ok()) continue;
            const QString t = m->value().value("type").toString();
            if (t == "piece") {
                if (firstPieceMs && *firstPieceMs < 0 && clock)
                    *firstPieceMs = double(clock->nsecsElapsed()) / 1e6;
                if (text) *text += m->value().value("text").toString();
            }
            if (t == type || t == "error") return m->value();
        }
        if (!p.waitForReadyRead(120000)) return { { "type", "error" }, { "message", "engine went silent" } };
        reader.append(p.readAllStandardOutput());
    }
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        std::fprintf(stderr,
            "usage: hearth-turnbench MODEL [--turns N] [--max-tokens N] [--backend B] [--engine PATH]\n");
        return 2;
    }
    const QString model = args[1];
    int turns = 10, maxTokens = 16;
    QString backend = "auto";
    QString engine = QCoreApplication::applicationDirPath() + "/hearth-engine";
    for (int i = 2; i + 1 < args.size(); i += 2) {
        if (args[i] == "--turns")
            turns = args[i + 1].toInt();
        else if (args[i] == "--max-tokens")
            maxTokens = args[i + 1].toInt();
        else if (args[i] == "--backend")
            backend = args[i + 1];
        else if (args[i] == "--engine")
            engine = args[i + 1];
    }

    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(engine, {});
    FrameReader reader;
    waitFor(p, reader, "hello");
    p.write(encodeFrame({ { "type", "load" }, { "path", model }, { "backend", backend } }));
    const QJsonObject loaded = waitFor(p, reader, "loaded");
    if (loaded.value("type") == "error") {
        std::fprintf(stderr, "load failed: %s\n", qPrintable(loaded.value("message").toString()));
        return 1;
    }
    const QJsonObject info = loaded.value("info").toObject();
    std::printf("model %s  backend %s (%s)  chat format %s  context %d\n",
        qPrintable(QFileInfo(model).fileName()), qPrintable(info.value("backend").toString()),
        qPrintable(info.value("deviceName").toString()), qPrintable(info.value("chatFormat").toString()),
        info.value("contextLength").toInt());
    std::printf("%4s %8s %8s %10s %14s %14s %10s\n", "turn", "prompt", "reused", "prefilled",
        "engine TTFT ms", "client TTFT ms", "decode t/s");

    // One conversation, turn after turn: each prompt is the previous one plus the reply and a new message.
    QJsonArray messages { QJsonObject {
        { "role", "system" }, { "content", "You are a helpful assistant." } } };
    for (int turn = 1; turn <= turns; ++turn) {
        messages.append(QJsonObject { { "role", "user" },
            { "content", QString("Question number %1: tell me one fact about the sea.").arg(turn) } });
        QElapsedTimer clock;
        clock.start();
        p.write(encodeFrame({ { "type", "generate" }, { "id", QString::number(turn) },
            { "messages", messages }, { "maxTokens", maxTokens },
            { "sampler", QJsonObject { { "temperature", 0.0 }, { "seed", 1 } } } }));
        QString reply;
        double firstPiece = -1;
        const QJsonObject done = waitFor(p, reader, "done", &reply, &firstPiece, &clock);
        if (done.value("type") == "error") {
            std::fprintf(stderr, "turn %d failed: %s\n", turn, qPrintable(done.value("message").toString()));
            return 1;
        }
        const QJsonObject s = done.value("stats").toObject();
        const int prompt = s.value("promptTokens").toInt();
        const int reused = s.value("reusedTokens").toInt();
        std::printf("%4d %8d %8d %10d %14.1f %14.1f %10.1f\n", turn, prompt, reused, prompt - reused,
            s.value("timeToFirstTokenMs").toDouble(), firstPiece,
            s.value("decodeTokensPerSecond").toDouble());
        messages.append(QJsonObject { { "role", "assistant" }, { "content", reply } });
    }
    p.closeWriteChannel();
    p.waitForFinished(5000);
    return 0;
}
