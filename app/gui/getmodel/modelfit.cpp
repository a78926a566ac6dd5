#include "modelfit.h"

#include <QCoreApplication>
#include <QLocale>

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ModelFit", text);
}

QString gb(quint64 bytes)
{
    return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

FitDevice fitDevice(const QVariantList& devices, const QString& backendSetting, int deviceSetting)
{
    if (backendSetting == "cpu") return {};
    for (const QVariant& v : devices) {
        const QVariantMap d = v.toMap();
        const int index = d.value("index").toInt();
        if (index < 0) continue;
        const bool chosen = backendSetting == "vulkan" ? (deviceSetting < 0 || index == deviceSetting)
                                                       : d.value("kind").toString() != "cpu";
        if (chosen) return { d.value("name").toString(), quint64(d.value("memoryBytes").toDouble()) };
    }
    return {};
}

quint32 wantedContext(int contextSetting, quint32 trainedContext)
{
    if (contextSetting > 0) return quint32(contextSetting);
    return std::min<quint32>(trainedContext ? trainedContext : 4096, 4096);
}

hearth::LlamaConfig configFromShape(const hearth::download::CatalogShape& s)
{
    hearth::LlamaConfig c;
    c.layerCount = s.layerCount;
    c.dim = s.dim;
    c.ffnDim = s.ffnDim;
    c.headCount = s.headCount;
    c.kvHeadCount = s.kvHeadCount;
    c.headDim = s.headDim;
    c.vocabSize = s.vocabSize;
    c.trainedContext = s.trainedContext;
    return c;
}

hearth::WeightFootprint footprintOf(
    const hearth::download::CatalogFile& file, const hearth::download::CatalogShape& shape)
{
    // Nine tensors a layer (two norms, four attention, three FFN), plus embedding, norm and output.
    return { quint64(file.approxBytes), quint64(shape.layerCount) * 9 + 3 };
}

QVariantMap modelFit(const hearth::WeightFootprint& weights, const hearth::LlamaConfig& config,
    quint32 context, const FitDevice& device, bool approximate)
{
    const quint64 needed = hearth::estimateDeviceMemory(weights, config, context);
    const QString about = approximate ? tr("about ") : QString();
    const QString tokens = QLocale().toString(context);
    QVariantMap fit { { "context", context }, { "neededBytes", double(needed) },
        { "deviceBytes", double(device.memoryBytes) } };
    if (device.memoryBytes == 0) {
        fit["kind"] = "cpu";
        fit["text"] = tr("No GPU to run it: runs on the CPU, using %1%2 of memory with %3 tokens of context.")
                          .arg(about, gb(needed), tokens);
    } else if (needed <= device.memoryBytes) {
        fit["kind"] = "full";
        fit["text"] = tr("Fits %1 with the full context (%2 tokens): needs %3%4 of %5.")
                          .arg(device.name, tokens, about, gb(needed), gb(device.memoryBytes));
    } else if (const quint64 fits = hearth::contextThatFits(weights, config, device.memoryBytes, 0);
               fits >= 256) {
        fit["kind"] = "shorter";
        fit["context"] = quint32(fits);
        fit["text"]
            = tr("Fits %1 with a shorter context: %2 tokens instead of %3 (%4%5 needed for %3, %6 there).")
                  .arg(device.name, QLocale().toString(quint32(fits)), tokens, about, gb(needed),
                      gb(device.memoryBytes));
    } else {
        fit["kind"] = "cpu";
        fit["text"] = tr("Too large for %1 (%2%3 needed, %4 there): runs on the CPU only, much more slowly.")
                          .arg(device.name, about, gb(needed), gb(device.memoryBytes));
    }
    return fit;
}
