// The line under a message: status (streaming, stopped, interrupted, failed), speed, and actions —
// copy, regenerate (replies), edit (user messages), and ‹ i/n › between alternatives.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

RowLayout {
    id: actions
    required property Item message
    signal editRequested()
    spacing: 2

    readonly property var m: message
    readonly property bool busy: m.chat.generating

    Label {
        objectName: "statusLabel"
        visible: text.length > 0
        font.pixelSize: 12
        color: m.status === "failed" || m.status === "interrupted" ? Theme.accent : Theme.mutedText
        text: {
            if (m.status === "streaming")
                return qsTr("Writing…")
            if (m.status === "interrupted")
                return m.error === "Stopped" ? qsTr("Stopped") : qsTr("Interrupted — %1").arg(m.error)
            if (m.status === "failed")
                return qsTr("Failed — %1").arg(m.error)
            return ""
        }
        Accessible.name: text
    }
    Label {
        visible: !m.isUser && m.completionTokens > 0
        text: TextTools.speed(m.tokensPerSecond, m.completionTokens)
        font.pixelSize: 12
        color: Theme.mutedText
    }

    Item { Layout.fillWidth: true; visible: !m.isUser }

    ToolButton {
        visible: m.siblingCount > 1
        enabled: m.siblingIndex > 0 && !actions.busy
        text: "‹"
        onClicked: m.chat.switchAlternative(m.messageId, -1)
        Accessible.name: qsTr("Previous version")
    }
    Label {
        objectName: "alternativeLabel"
        visible: m.siblingCount > 1
        text: qsTr("%1/%2").arg(m.siblingIndex + 1).arg(m.siblingCount)
        font.pixelSize: 12
        color: Theme.mutedText
        Accessible.name: qsTr("Version %1 of %2").arg(m.siblingIndex + 1).arg(m.siblingCount)
    }
    ToolButton {
        visible: m.siblingCount > 1
        enabled: m.siblingIndex < m.siblingCount - 1 && !actions.busy
        text: "›"
        onClicked: m.chat.switchAlternative(m.messageId, 1)
        Accessible.name: qsTr("Next version")
    }
    ToolButton {
        text: qsTr("Copy")
        font.pixelSize: 12
        onClicked: TextTools.copy(m.text)
        Accessible.name: qsTr("Copy message")
    }
    ToolButton {
        visible: !m.isUser
        enabled: !actions.busy && m.status !== "streaming"
        text: qsTr("Regenerate")
        font.pixelSize: 12
        onClicked: m.chat.regenerate(m.messageId)
        Accessible.name: qsTr("Regenerate reply")
    }
    ToolButton {
        visible: m.isUser
        enabled: !actions.busy
        text: qsTr("Edit")
        font.pixelSize: 12
        onClicked: actions.editRequested()
        Accessible.name: qsTr("Edit and resend")
    }
}
