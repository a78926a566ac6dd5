// TextTools: stateless helpers the message view needs — splitting Markdown into prose and fenced
// code blocks (each code block gets its own monospace view and copy button), opening links and the
// clipboard.
#pragma once

#include <QObject>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

class TextTools : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    static TextTools* create(QQmlEngine*, QJSEngine*) { return new TextTools; }

    // [{kind: "text"|"code", text, markdown, language}], in order. An unclosed fence (a reply still
    // streaming) is a code block up to the end. A prose segment's `markdown` is its text made safe for
    // TextEdit.MarkdownText (MarkdownProse): what the model wrote stays visible, HTML-like or not.
    Q_INVOKABLE static QVariantList segments(const QString& markdown);
    // Opens a link clicked in a reply if it is a web page or a mail address; false (and nothing
    // happens) for javascript:, file: and the like.
    Q_INVOKABLE static bool openLink(const QString& link);
    Q_INVOKABLE static void copy(const QString& text);
    Q_INVOKABLE static QString clipboardText();
    // "12.5 tok/s · 48 tokens" style figures.
    Q_INVOKABLE static QString speed(double tokensPerSecond, int tokens);
};
