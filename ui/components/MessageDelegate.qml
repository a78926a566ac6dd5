// One message: the user's on the right as plain text, the model's on the left as Markdown with code
// blocks in monospace (each with a copy button). Below: status, speed and the message's actions.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Item {
    id: message
    required property ChatController chat
    required property int index
    required property var messageId
    required property string role
    required property string text
    required property string status
    required property string error
    required property double tokensPerSecond
    required property int completionTokens
    required property int siblingIndex
    required property int siblingCount
    property bool highlightedMessage: false
    property bool editing: false

    readonly property bool isUser: role === "user"
    readonly property real maxBubbleWidth: Math.min(width * (isUser ? 0.8 : 1.0), 820)

    implicitHeight: column.implicitHeight
    Accessible.role: Accessible.ListItem
    Accessible.name: (isUser ? qsTr("You said: ") : qsTr("Reply: ")) + text

    TextMetrics {
        id: natural
        text: message.text
        font.pixelSize: Theme.fontSize
    }

    ColumnLayout {
        id: column
        width: message.maxBubbleWidth
        x: message.isUser ? message.width - width : 0
        spacing: Theme.spacingSmall

        Rectangle {
            id: bubble
            Layout.alignment: message.isUser ? Qt.AlignRight : Qt.AlignLeft
            Layout.preferredWidth: message.isUser && !message.editing
                                   ? Math.min(message.maxBubbleWidth, natural.advanceWidth + 2 * Theme.spacing + 24)
                                   : message.maxBubbleWidth
            implicitHeight: content.implicitHeight + 2 * Theme.spacing + 4
            radius: Theme.radius * 1.5
            color: message.isUser ? Theme.userBubble : Theme.assistantBubble
            border.color: message.highlightedMessage ? Theme.accent : Theme.border
            border.width: message.highlightedMessage ? 2 : (message.isUser ? 0 : 1)

            ColumnLayout {
                id: content
                anchors.fill: parent
                anchors.margins: Theme.spacing + 2
                spacing: Theme.spacing

                // The user's words, exactly as typed.
                TextEdit {
                    visible: message.isUser && !message.editing
                    Layout.fillWidth: true
                    text: message.text
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.Wrap
                    textFormat: TextEdit.PlainText
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    selectionColor: Theme.accent
                    Accessible.name: qsTr("Your message")
                }

                // The reply: prose as Markdown, code blocks on their own. The prose is shown from
                // its escaped form (TextTools.segments), so text that only looks like HTML stays text.
                Repeater {
                    model: message.isUser ? [] : TextTools.segments(message.text)
                    delegate: Loader {
                        required property var modelData
                        Layout.fillWidth: true
                        sourceComponent: modelData.kind === "code" ? codeComponent : proseComponent
                        Component {
                            id: proseComponent
                            TextEdit {
                                objectName: "replyProse"
                                text: modelData.markdown
                                readOnly: true
                                selectByMouse: true
                                wrapMode: TextEdit.Wrap
                                textFormat: TextEdit.MarkdownText
                                color: Theme.text
                                font.pixelSize: Theme.fontSize
                                selectionColor: Theme.accent
                                onLinkActivated: (link) => TextTools.openLink(link)
                                Accessible.name: modelData.text
                            }
                        }
                        Component {
                            id: codeComponent
                            CodeBlock {
                                code: modelData.text
                                language: modelData.language
                            }
                        }
                    }
                }

                Label {
                    visible: !message.isUser && message.text.length === 0 && message.status === "streaming"
                    text: qsTr("Thinking…")
                    color: Theme.mutedText
                    font.italic: true
                }

                // Edit and resend: the original stays as the other branch.
                ColumnLayout {
                    visible: message.editing
                    Layout.fillWidth: true
                    TextArea {
                        id: editor
                        objectName: "editField"
                        Layout.fillWidth: true
                        wrapMode: TextArea.Wrap
                        Accessible.name: qsTr("Edit your message")
                    }
                    RowLayout {
                        Layout.alignment: Qt.AlignRight
                        Button {
                            text: qsTr("Cancel")
                            onClicked: message.editing = false
                            Accessible.name: qsTr("Cancel editing")
                        }
                        Button {
                            text: qsTr("Send")
                            highlighted: true
                            enabled: message.chat.canSend && editor.text.trim().length > 0
                            onClicked: {
                                message.chat.editAndResend(message.messageId, editor.text)
                                message.editing = false
                            }
                            Accessible.name: qsTr("Send edited message")
                        }
                    }
                }
            }
        }

        MessageActions {
            Layout.alignment: message.isUser ? Qt.AlignRight : Qt.AlignLeft
            Layout.fillWidth: !message.isUser
            message: message
            onEditRequested: {
                editor.text = message.text
                message.editing = true
                editor.forceActiveFocus()
            }
        }
    }
}
