// What the model info view lists about a loaded file: architecture, parameters, the type mix,
// context, vocabulary, chat template and device, as label/value rows made from the engine's info.
#pragma once

#include <QString>
#include <QVariantList>
#include <QVariantMap>

// Rows of { "label": …, "value": … }, in the order shown; empty when nothing is loaded.
QVariantList modelDetails(const QVariantMap& info);

// "Q3_K ×9 (839 KB, 42%) · Q6_K ×1 (…)": every type of a mix ({type, tensors, bytes}), heaviest first.
QString typeMixText(const QVariantList& mix);
