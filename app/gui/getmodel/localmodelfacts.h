// What a GGUF file in the models folder is, read from its header (no weights are read): the type mix,
// the parameters, and the shape and size the memory estimate needs. The parser maps the file and
// validates it (it is fuzzed); a file that is not a model says why instead.
#pragma once

#include "modelsfolder.h"
#include "vulkan/memory_estimate.h"

#include <QString>
#include <QVariantList>

struct LocalModelFacts {
    hearth::download::LocalModel file;
    QString error; // not readable as a Llama model: why
    hearth::WeightFootprint weights;
    hearth::LlamaConfig config;
    QVariantList typeMix; // {type, tensors, bytes}, heaviest first (as the engine's model info)
    double parameters = 0;
};

// Blocks while the header is read: call it from a worker thread.
LocalModelFacts inspectModel(const hearth::download::LocalModel& file);
