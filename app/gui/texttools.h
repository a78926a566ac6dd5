// TextTools: stateless helpers the message view needs — splitting Markdown into prose and fenced
// code blocks (each code block gets its own monospace view and copy button) and the clipboard.
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

    // [{kind: "text"|"code", text, language}], in order. An unclosed fence (a reply still streaming)
    // is a code block up to the end.
    Q_INVOKABLE static QVariantList segments(const QString& markdown);
    Q_INVOKABLE static void copy(const QString& text);
    Q_INVOKABLE static QString clipboardText();
    // "12.5 tok/s · 48 tokens" style figures.
    Q_INVOKABLE static QString speed(double tokensPerSecond, int tokens);
};
