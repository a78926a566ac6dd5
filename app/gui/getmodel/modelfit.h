// Whether a model fits the user's device, with the numbers: the memory estimate the Vulkan backend
// checks when it loads (inference/vulkan/memory_estimate.h), against the device the settings choose
// (or the one "Automatic" would take). Three answers: fits with the full context, fits with a shorter
// one (which), or runs on the CPU only.
#pragma once

#include "catalog.h"
#include "vulkan/memory_estimate.h"

#include <QString>
#include <QVariantList>
#include <QVariantMap>

struct FitDevice {
    QString name;
    quint64 memoryBytes = 0; // 0: no GPU (the CPU runs the model)
};

// From ModelController.devices (the engine's list: {index, name, kind, memoryBytes}, best first) and
// the backend/device settings. "auto" never takes a CPU-emulated device (lavapipe), as the engine.
FitDevice fitDevice(const QVariantList& devices, const QString& backendSetting, int deviceSetting);

// The context a load asks for: the setting, or the engine's default (the trained one, at most 4096).
quint32 wantedContext(int contextSetting, quint32 trainedContext);

hearth::LlamaConfig configFromShape(const hearth::download::CatalogShape& shape);
// A catalog file's weights, from its approximate size (tensor count from the layer count).
hearth::WeightFootprint footprintOf(
    const hearth::download::CatalogFile& file, const hearth::download::CatalogShape& shape);

// {kind: "full" | "shorter" | "cpu", context, neededBytes, deviceBytes, text}. `approximate` says the
// weights' size is the catalog's approximate one (the text says "about").
QVariantMap modelFit(const hearth::WeightFootprint& weights, const hearth::LlamaConfig& config,
    quint32 context, const FitDevice& device, bool approximate);
