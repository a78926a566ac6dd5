#include "modeldetails.h"

#include <QCoreApplication>
#include <QLocale>

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ModelDetails", text);
}

QString bytesText(double bytes)
{
    return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

QString typeMixText(const QVariantList& mix)
{
    double total = 0;
    for (const QVariant& entry : mix)
        total += entry.toMap().value("bytes").toDouble();
    QStringList parts;
    for (const QVariant& entry : mix) {
        const QVariantMap share = entry.toMap();
        const double bytes = share.value("bytes").toDouble();
        parts << QStringLiteral("%1 ×%2 (%3, %4%)")
                     .arg(share.value("type").toString())
                     .arg(share.value("tensors").toInt())
                     .arg(bytesText(bytes))
                     .arg(total > 0 ? qRound(100 * bytes / total) : 0);
    }
    return parts.join(QStringLiteral(" · "));
}

namespace {

QString chatTemplateText(const QString& format)
{
    if (format == "llama3") return tr("Llama 3 (Hearth's built-in format)");
    if (format == "plain") return tr("Plain “User:” / “Assistant:” (no usable template in the file)");
    if (format == "server") return tr("The server's own");
    return tr("The model's own, from the file (rendered as Jinja)");
}

QVariantMap row(const QString& label, const QString& value)
{
    return { { "label", label }, { "value", value } };
}

} // namespace

QVariantList modelDetails(const QVariantMap& info)
{
    if (info.isEmpty()) return {};
    const QLocale locale;
    QVariantList rows;
    rows << row(tr("File"), info.value("path").toString());
    rows << row(tr("Architecture"), info.value("architecture").toString());
    rows << row(tr("Parameters"), locale.toString(info.value("parameterCount").toDouble(), 'f', 0));
    rows << row(tr("Weights"),
        info.value("quantization").toString() + QStringLiteral(": ")
            + typeMixText(info.value("typeMix").toList()));
    rows << row(tr("Context"),
        tr("%1 tokens (trained for %2)")
            .arg(locale.toString(info.value("contextLength").toInt()),
                locale.toString(info.value("trainedContext").toInt())));
    rows << row(tr("Vocabulary"), tr("%1 tokens").arg(locale.toString(info.value("vocabSize").toInt())));
    rows << row(tr("Chat template"), chatTemplateText(info.value("chatFormat").toString()));
    const QString device = info.value("deviceName").toString();
    rows << row(tr("Runs on"), device.isEmpty() ? info.value("backend").toString().toUpper() : device);
    return rows;
}
