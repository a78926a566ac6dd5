// A dismissable banner for things the user must know: context overflow, engine restarts, errors.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Rectangle {
    id: bar
    property string text
    property string kind: "info"
    signal dismissed()

    visible: text.length > 0
    implicitHeight: visible ? row.implicitHeight + 2 * Theme.spacing : 0
    color: kind === "error" ? Theme.error : kind === "warning" ? Theme.warning : Theme.info

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: Theme.spacing
        Label {
            objectName: "noticeText"
            Layout.fillWidth: true
            text: bar.text
            wrapMode: Text.WordWrap
            color: Theme.text
            Accessible.role: Accessible.AlertMessage
            Accessible.name: bar.text
        }
        Button {
            text: qsTr("Dismiss")
            flat: true
            onClicked: bar.dismissed()
            Accessible.name: qsTr("Dismiss notice")
        }
    }
}
