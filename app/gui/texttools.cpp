// TextTools: fenced-code splitting, link opening and clipboard access.
#include "texttools.h"

#include "markdownprose.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QGuiApplication>
#include <QUrl>
#include <QVariantMap>

QVariantList TextTools::segments(const QString& markdown)
{
    QVariantList out;
    QString prose;
    QString code;
    QString language;
    bool inCode = false;
    auto flushProse = [&] {
        const QString text = prose.trimmed();
        if (!text.isEmpty())
            out.append(QVariantMap { { "kind", "text" }, { "text", text },
                { "markdown", MarkdownProse::escapeForDisplay(text) }, { "language", QString() } });
        prose.clear();
    };
    // A fence is a line starting with ``` (optionally indented up to three spaces).
    const QStringList lines = markdown.split('\n');
    for (const QString& line : lines) {
        const QString trimmed = line.trimmed();
        const bool fence = trimmed.startsWith("```") && line.indexOf("```") <= 3;
        if (fence && !inCode) {
            flushProse();
            inCode = true;
            language = trimmed.mid(3).trimmed();
            code.clear();
        } else if (fence && inCode && trimmed == "```") {
            if (code.endsWith('\n')) code.chop(1);
            out.append(QVariantMap { { "kind", "code" }, { "text", code }, { "language", language } });
            inCode = false;
        } else if (inCode) {
            code += line + '\n';
        } else {
            prose += line + '\n';
        }
    }
    if (inCode) {
        if (code.endsWith('\n')) code.chop(1);
        out.append(QVariantMap { { "kind", "code" }, { "text", code }, { "language", language } });
    } else {
        flushProse();
    }
    return out;
}

bool TextTools::openLink(const QString& link)
{
    const QUrl url(link);
    return MarkdownProse::isOpenableLink(url) && QDesktopServices::openUrl(url);
}

void TextTools::copy(const QString& text)
{
    if (auto* clipboard = QGuiApplication::clipboard()) clipboard->setText(text);
}

QString TextTools::clipboardText()
{
    auto* clipboard = QGuiApplication::clipboard();
    return clipboard ? clipboard->text() : QString();
}

QString TextTools::speed(double tokensPerSecond, int tokens)
{
    if (tokens <= 0) return {};
    return QObject::tr("%1 tok/s · %n token(s)", nullptr, tokens).arg(tokensPerSecond, 0, 'f', 1);
}
