// Helpers shared by the engine tests: load a shared model, run a request and collect the stream.
#pragma once

#include "engine.h"
#include "shared_data.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <functional>
#include <memory>
#include <string>

namespace hearth::test {

inline QJsonObject reference(const QString& model)
{
    return QJsonDocument::fromJson(test::readFile(test::testdata("reference/llamacpp/" + model + ".json")))
        .object();
}

inline std::unique_ptr<Engine> loadEngine(
    const QString& model, uint32_t context = 0, BackendChoice backend = BackendChoice::Cpu)
{
    auto engine = std::make_unique<Engine>();
    LoadOptions options;
    options.modelPath = test::testdata("models/" + model + ".gguf").toStdString();
    options.backend = backend;
    options.threads = 1; // these models are tiny: one thread beats synchronising two
    options.contextLength = context;
    const auto status = engine->load(options);
    if (!status) {
        qWarning("load failed: %s", status.error().message.c_str());
        return nullptr;
    }
    return engine;
}

inline SamplerSettings greedy()
{
    SamplerSettings s;
    s.temperature = 0.0f;
    s.repeatPenalty = 1.0f;
    return s;
}

struct Run {
    std::string text;
    GenerateStats stats;
    bool ok = false;
    std::string error;
};

inline Run run(Engine& engine, const GenerateRequest& request, const std::atomic<bool>* cancel = nullptr,
    std::function<bool(std::string_view)> listener = {})
{
    Run r;
    auto result = engine.generate(
        request,
        [&](std::string_view piece) {
            r.text += piece;
            return listener ? listener(piece) : true;
        },
        cancel);
    r.ok = result.ok();
    if (r.ok)
        r.stats = result.value();
    else
        r.error = result.error().message;
    return r;
}

} // namespace hearth::test
