// What the model info view lists about a loaded file: architecture, parameters, the type mix,
// context, vocabulary, chat template and device, as label/value rows made from the engine's info.
#pragma once

#include <QVariantList>
#include <QVariantMap>

// Rows of { "label": …, "value": … }, in the order shown; empty when nothing is loaded.
QVariantList modelDetails(const QVariantMap& info);
