// One sidebar row: title (renamable in place), pin marker, a pulsing dot while Hearth writes a reply
// in it, and a menu with rename, pin and delete.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

ItemDelegate {
    id: row
    required property ChatController chat
    required property LibraryController library
    required property var conversationId
    required property string title
    required property bool pinned
    signal chosen()

    property bool editing: false
    readonly property bool current: chat.currentConversationId === conversationId
    readonly property bool writing: chat.writingConversationId === conversationId

    highlighted: current
    Accessible.name: (pinned ? qsTr("%1, pinned").arg(title) : title) + (writing ? qsTr(", writing a reply") : "")
    background: Rectangle {
        radius: Theme.radius
        color: row.current ? Theme.selection : row.hovered ? Qt.darker(Theme.sidebar, Theme.dark ? 0.8 : 1.05)
                                                         : "transparent"
    }

    function startRename() {
        editing = true
        renameField.text = title
        renameField.forceActiveFocus()
        renameField.selectAll()
    }

    onClicked: { chat.openConversation(conversationId, 0); chosen() }
    Keys.onPressed: (event) => {
        if (event.key === Qt.Key_F2) { startRename(); event.accepted = true }
        else if (event.key === Qt.Key_Delete) { library.remove(conversationId); event.accepted = true }
    }

    contentItem: RowLayout {
        spacing: 4
        Label {
            visible: row.pinned
            text: "★"
            font.pixelSize: 11
            Accessible.ignored: true
        }
        Label {
            visible: !row.editing
            Layout.fillWidth: true
            text: row.title
            elide: Text.ElideRight
            color: Theme.text
        }
        // Hearth is writing here: a dot that breathes, with the reason on hover.
        Rectangle {
            id: writingDot
            objectName: "writingIndicator"
            visible: row.writing
            implicitWidth: 8
            implicitHeight: 8
            radius: 4
            color: Theme.accent
            Accessible.ignored: true
            HoverHandler { id: dotHover }
            ToolTip.visible: dotHover.hovered
            ToolTip.text: qsTr("Hearth is writing a reply here")
            SequentialAnimation on opacity {
                running: writingDot.visible
                loops: Animation.Infinite
                NumberAnimation { from: 1; to: 0.3; duration: 700; easing.type: Easing.InOutQuad }
                NumberAnimation { from: 0.3; to: 1; duration: 700; easing.type: Easing.InOutQuad }
            }
        }
        TextField {
            id: renameField
            objectName: "renameField"
            visible: row.editing
            Layout.fillWidth: true
            Accessible.name: qsTr("New title")
            onAccepted: { row.library.rename(row.conversationId, text); row.editing = false }
            Keys.onEscapePressed: row.editing = false
            onActiveFocusChanged: if (!activeFocus) row.editing = false
        }
        ToolButton {
            id: menuButton
            text: "⋯"
            visible: row.hovered || row.current || row.activeFocus
            onClicked: menu.open()
            Accessible.name: qsTr("Actions for %1").arg(row.title)
            Menu {
                id: menu
                y: menuButton.height
                MenuItem {
                    text: qsTr("Rename")
                    onTriggered: row.startRename()
                    Accessible.name: qsTr("Rename conversation")
                }
                MenuItem {
                    text: row.pinned ? qsTr("Unpin") : qsTr("Pin")
                    onTriggered: row.library.setPinned(row.conversationId, !row.pinned)
                    Accessible.name: row.pinned ? qsTr("Unpin conversation") : qsTr("Pin conversation")
                }
                MenuItem {
                    text: qsTr("Delete")
                    onTriggered: row.library.remove(row.conversationId)
                    Accessible.name: qsTr("Delete conversation")
                }
            }
        }
    }
}
