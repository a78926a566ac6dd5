// Conversions between the inference types (engine.h) and the JSON the protocol carries.
#pragma once

#include "engine.h"

#include <QJsonObject>
#include <QString>

namespace hearth::engineproc {

QString errorCodeName(ErrorCode code);
QString stopReasonName(StopReason reason);
BackendChoice backendFromName(const QString& name);

QJsonObject toJson(const ModelInfo& info);
QJsonObject toJson(const GenerateStats& stats);
QJsonObject toJson(const DeviceInfo& device);

// Reads a generate request; missing fields keep their defaults, wrong types are an error.
Result<GenerateRequest> generateRequestFromJson(const QJsonObject& message);
LoadOptions loadOptionsFromJson(const QJsonObject& message);

} // namespace hearth::engineproc
