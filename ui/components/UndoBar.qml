// "Conversation deleted — Undo", shown for the few seconds the deletion can be taken back.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Rectangle {
    id: bar
    property string title
    signal undo()

    visible: title.length > 0
    width: row.implicitWidth + 2 * Theme.spacing
    height: row.implicitHeight + Theme.spacing
    radius: Theme.radius
    color: Theme.dark ? "#e8e6e3" : "#2a2c30"

    RowLayout {
        id: row
        anchors.centerIn: parent
        Label {
            text: qsTr("Deleted “%1”").arg(bar.title)
            color: Theme.dark ? "#1f1f1c" : "#ffffff"
            elide: Text.ElideRight
            Layout.maximumWidth: 320
        }
        Button {
            objectName: "undoButton"
            text: qsTr("Undo")
            onClicked: bar.undo()
            Accessible.name: qsTr("Undo delete")
        }
    }
}
