// The composer: Enter sends, Shift+Enter breaks the line. When sending is not possible it says why
// (no model, or a reply being written in another chat — with a way to go there); while this chat's
// reply streams, the button becomes Stop (Esc). The text typed is kept until it is sent.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Rectangle {
    id: composer
    required property ChatController chat
    property alias input: input

    function focusInput() { input.forceActiveFocus() }
    function submit() {
        if (chat.send(input.text))
            input.text = ""
    }

    color: Theme.background
    // The height is taken from the inner layout once its own layout pass is over: Qt 6.4's window
    // layout drops a size change that arrives while it is laying out, and kept the first height (with
    // the "Loading the model…" line) after that line went, leaving a gap under the input.
    readonly property real contentHeight: layout.implicitHeight + 2 * Theme.spacing
    onContentHeightChanged: Qt.callLater(() => composer.implicitHeight = composer.contentHeight)
    Component.onCompleted: implicitHeight = contentHeight

    ColumnLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: Theme.spacing
        anchors.leftMargin: Theme.spacing * 2
        anchors.rightMargin: Theme.spacing * 2
        spacing: Theme.spacingSmall

        RowLayout {
            visible: !composer.chat.canSend && !composer.chat.writingHere
            Layout.fillWidth: true
            Label {
                objectName: "blockedReason"
                Layout.fillWidth: true
                text: composer.chat.sendBlockedReason
                wrapMode: Text.WordWrap
                font.pixelSize: Theme.smallFontSize
                color: Theme.mutedText
                Accessible.name: text
            }
            Button {
                objectName: "showWritingButton"
                visible: composer.chat.writingConversationId !== 0 && !composer.chat.writingHere
                flat: true
                font.pixelSize: Theme.smallFontSize
                text: qsTr("Show it")
                onClicked: composer.chat.openConversation(composer.chat.writingConversationId, 0)
                Accessible.name: qsTr("Open the chat being written")
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing

            ScrollView {
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, 44), 180)
                TextArea {
                    id: input
                    objectName: "composerInput"
                    placeholderText: composer.chat.canSend || composer.chat.writingConversationId !== 0
                                     ? qsTr("Write a message… (Enter sends, Shift+Enter for a new line)")
                                     : composer.chat.sendBlockedReason
                    wrapMode: TextArea.Wrap
                    font.pixelSize: Theme.fontSize
                    color: Theme.text
                    Accessible.name: qsTr("Message")
                    Accessible.description: composer.chat.canSend ? "" : composer.chat.sendBlockedReason
                    background: Rectangle {
                        radius: Theme.radius
                        color: Theme.surface
                        border.color: input.activeFocus ? Theme.accent : Theme.border
                    }
                    Keys.onPressed: (event) => {
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                                && !(event.modifiers & Qt.ShiftModifier)) {
                            composer.submit()
                            event.accepted = true
                        }
                    }
                }
            }

            Button {
                objectName: "sendButton"
                visible: !composer.chat.writingHere
                text: qsTr("Send")
                icon.source: Theme.icon("send")
                icon.color: enabled ? Theme.accentText : Theme.mutedText
                icon.width: Theme.iconSize
                icon.height: Theme.iconSize
                highlighted: true
                enabled: composer.chat.canSend && input.text.trim().length > 0
                onClicked: composer.submit()
                Accessible.name: qsTr("Send message")
            }
            Button {
                objectName: "stopButton"
                visible: composer.chat.writingHere
                text: qsTr("Stop")
                icon.source: Theme.icon("stop")
                icon.color: enabled ? Theme.text : Theme.mutedText
                icon.width: Theme.iconSize
                icon.height: Theme.iconSize
                onClicked: composer.chat.stop()
                Accessible.name: Shortcuts.withKeys(qsTr("Stop generating"), Shortcuts.stop)
                ToolTip.visible: hovered
                ToolTip.delay: Theme.tooltipDelay
                ToolTip.text: Shortcuts.withKeys(qsTr("Stop the reply"), Shortcuts.stop)
            }
        }
    }
}
