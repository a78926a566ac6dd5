// The open conversation. Follows a streaming reply only while the user is at the bottom: scrolled
// up, the view stays where it is (a button jumps back). Search hits scroll their message into view.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Item {
    id: root
    required property ChatController chat
    required property ModelController modelController
    property alias listView: view

    ListView {
        id: view
        objectName: "messageList"
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing * 2
        anchors.rightMargin: Theme.spacing * 2
        clip: true
        spacing: Theme.spacing * 1.5
        model: root.chat.messages
        // Spacers as header/footer rather than margins, so atYEnd means "the last line is in view".
        header: Item { height: Theme.spacing * 2 }
        footer: Item { height: Theme.spacing * 2 }
        reuseItems: false
        Accessible.name: qsTr("Messages")
        ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }

        // Following: true while the bottom is in view; any scroll by the user re-decides it.
        property bool follow: true
        property bool programmatic: false

        function toEnd() {
            programmatic = true
            positionViewAtEnd()
            programmatic = false
        }
        onContentYChanged: if (!programmatic) follow = atYEnd
        onContentHeightChanged: if (follow) Qt.callLater(toEnd)
        onCountChanged: if (follow) Qt.callLater(toEnd)

        delegate: MessageDelegate {
            // What interrupted a reply, for MessageActions' status line (a role MessageDelegate
            // itself does not need).
            required property string interruption
            width: ListView.view.width
            chat: root.chat
            highlightedMessage: root.chat.highlightMessageId === messageId
        }
    }

    Connections {
        target: root.chat
        function onScrollToRow(row) {
            if (row < 0)
                return
            if (row >= view.count - 1) {
                view.follow = true
                Qt.callLater(view.toEnd)
            } else {
                view.follow = false
                view.programmatic = true
                view.positionViewAtIndex(row, ListView.Center)
                view.programmatic = false
            }
        }
        function onConversationOpened() {
            if (root.chat.highlightMessageId === 0) {
                view.follow = true
                Qt.callLater(view.toEnd)
            }
        }
    }

    Button {
        objectName: "jumpToLatest"
        visible: !view.follow && view.count > 0
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.spacing * 2
        text: root.chat.writingHere ? qsTr("↓ Follow the reply") : qsTr("↓ Latest")
        onClicked: { view.follow = true; view.toEnd() }
        Accessible.name: qsTr("Scroll to the latest message")
    }

    // Empty conversation: what to do next.
    ColumnLayout {
        visible: view.count === 0
        anchors.centerIn: parent
        width: Math.min(parent.width - 4 * Theme.spacing, 520)
        spacing: Theme.spacing
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Start a conversation")
            font.pixelSize: 22
            color: Theme.text
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            color: Theme.mutedText
            text: root.modelController.storyModel
                  ? qsTr("The bundled story model continues whatever you write, like \"Once upon a time\". "
                         + "It runs entirely on this computer.")
                  : root.modelController.info.backend === "remote"
                  ? qsTr("Your messages go to the server %1, which writes the replies; the conversation "
                         + "is kept on this computer.").arg(root.modelController.info.deviceName)
                  : qsTr("Everything runs on this computer; nothing leaves it.")
        }
    }
}
