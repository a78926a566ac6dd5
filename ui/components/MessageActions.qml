// The line under a message: status (streaming, stopped, interrupted and why, failed), speed, and
// actions — copy, regenerate and continue (replies), edit (user messages), and ‹ i/n › between
// alternatives. Actions that cannot run now (a reply is being written, no model) stay visible but
// disabled, and hovering the line says why.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

RowLayout {
    id: actions
    required property Item message
    signal editRequested()
    spacing: Theme.spacingSmall / 2

    readonly property var m: message
    readonly property bool ready: m.chat.canSend
    // The delegate in ConversationView carries the "interruption" role; elsewhere it may be absent.
    readonly property string interruption: m.interruption !== undefined ? m.interruption : ""
    readonly property bool unfinished: m.status === "interrupted" || m.status === "failed"
    readonly property bool isLast: m.index === m.chat.messages.count - 1

    function interruptedText() {
        if (interruption === "user")
            return qsTr("Stopped by you")
        if (interruption === "engine")
            return m.error.length > 0 ? qsTr("Interrupted — the engine stopped: %1").arg(m.error)
                                      : qsTr("Interrupted — the engine stopped while writing")
        if (interruption === "appClosed")
            return qsTr("Interrupted — Hearth closed while writing")
        // Replies from before the cause was recorded.
        if (m.error === "Stopped")
            return qsTr("Stopped")
        return m.error.length > 0 ? qsTr("Interrupted — %1").arg(m.error) : qsTr("Interrupted")
    }

    HoverHandler { id: hover }
    ToolTip.visible: hover.hovered && !actions.ready
    ToolTip.text: m.chat.sendBlockedReason
    ToolTip.delay: Theme.tooltipDelay

    Label {
        objectName: "statusLabel"
        visible: text.length > 0
        rightPadding: Theme.spacing
        font.pixelSize: Theme.smallFontSize
        color: m.status === "failed" || m.status === "interrupted" ? Theme.accent : Theme.mutedText
        text: {
            if (m.status === "streaming")
                return qsTr("Writing…")
            if (m.status === "interrupted")
                return actions.interruptedText()
            if (m.status === "failed")
                return qsTr("Failed — %1").arg(m.error)
            return ""
        }
        Accessible.name: text
    }
    Label {
        visible: !m.isUser && m.completionTokens > 0
        text: TextTools.speed(m.tokensPerSecond, m.completionTokens)
        font.pixelSize: Theme.smallFontSize
        color: Theme.mutedText
    }

    Item { Layout.fillWidth: true; visible: !m.isUser }

    ToolButton {
        visible: m.siblingCount > 1
        enabled: m.siblingIndex > 0 && !m.chat.writingHere
        text: "‹"
        opacity: enabled ? 1 : 0.4
        onClicked: m.chat.switchAlternative(m.messageId, -1)
        Accessible.name: qsTr("Previous version")
    }
    Label {
        objectName: "alternativeLabel"
        visible: m.siblingCount > 1
        text: qsTr("%1/%2").arg(m.siblingIndex + 1).arg(m.siblingCount)
        font.pixelSize: Theme.smallFontSize
        color: Theme.mutedText
        Accessible.name: qsTr("Version %1 of %2").arg(m.siblingIndex + 1).arg(m.siblingCount)
    }
    ToolButton {
        visible: m.siblingCount > 1
        enabled: m.siblingIndex < m.siblingCount - 1 && !m.chat.writingHere
        text: "›"
        opacity: enabled ? 1 : 0.4
        onClicked: m.chat.switchAlternative(m.messageId, 1)
        Accessible.name: qsTr("Next version")
    }
    ToolButton {
        text: qsTr("Copy")
        icon.source: Theme.icon("copy")
        icon.color: enabled ? Theme.text : Theme.mutedText
        icon.width: Theme.iconSize - 4
        icon.height: Theme.iconSize - 4
        font.pixelSize: Theme.smallFontSize
        onClicked: TextTools.copy(m.text)
        Accessible.name: qsTr("Copy message")
    }
    ToolButton {
        objectName: "continueButton"
        visible: !m.isUser && actions.unfinished && actions.isLast && m.text.length > 0
        enabled: actions.ready
        text: qsTr("Continue")
        icon.source: Theme.icon("continue")
        icon.color: enabled ? Theme.text : Theme.mutedText
        icon.width: Theme.iconSize - 4
        icon.height: Theme.iconSize - 4
        font.pixelSize: Theme.smallFontSize
        opacity: enabled ? 1 : 0.4
        onClicked: m.chat.continueReply(m.messageId)
        Accessible.name: qsTr("Continue this reply")
        Accessible.description: actions.ready ? "" : m.chat.sendBlockedReason
    }
    ToolButton {
        objectName: "regenerateButton"
        visible: !m.isUser
        enabled: actions.ready && m.status !== "streaming"
        text: qsTr("Regenerate")
        icon.source: Theme.icon("regenerate")
        icon.color: enabled ? Theme.text : Theme.mutedText
        icon.width: Theme.iconSize - 4
        icon.height: Theme.iconSize - 4
        font.pixelSize: Theme.smallFontSize
        opacity: enabled ? 1 : 0.4  // the style barely greys a disabled ToolButton
        onClicked: m.chat.regenerate(m.messageId)
        Accessible.name: qsTr("Regenerate reply")
        Accessible.description: actions.ready ? "" : m.chat.sendBlockedReason
    }
    ToolButton {
        objectName: "editButton"
        visible: m.isUser
        enabled: actions.ready
        text: qsTr("Edit")
        icon.source: Theme.icon("edit")
        icon.color: enabled ? Theme.text : Theme.mutedText
        icon.width: Theme.iconSize - 4
        icon.height: Theme.iconSize - 4
        font.pixelSize: Theme.smallFontSize
        opacity: enabled ? 1 : 0.4
        onClicked: actions.editRequested()
        Accessible.name: qsTr("Edit and resend")
        Accessible.description: actions.ready ? "" : m.chat.sendBlockedReason
    }
}
