// The help sheet (F1 or Ctrl+?): every keyboard shortcut of the window, from Shortcuts.all.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Dialog {
    id: sheet
    objectName: "shortcutsSheet"
    title: qsTr("Keyboard shortcuts")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(460, parent ? parent.width - 40 : 460)
    standardButtons: Dialog.Close

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: 3 * Theme.spacing
        rowSpacing: Theme.spacing

        Repeater {
            model: Shortcuts.all
            delegate: Label {
                required property var modelData
                required property int index
                Layout.row: index
                Layout.column: 0
                text: modelData.keys
                font.family: Theme.monoFont
                font.pixelSize: Theme.smallFontSize
                color: Theme.text
                padding: 2
                leftPadding: Theme.spacing
                rightPadding: Theme.spacing
                background: Rectangle {
                    color: Theme.codeBackground
                    border.color: Theme.border
                    radius: 4
                }
            }
        }
        Repeater {
            model: Shortcuts.all
            delegate: Label {
                required property var modelData
                required property int index
                Layout.row: index
                Layout.column: 1
                Layout.fillWidth: true
                text: modelData.what
                wrapMode: Text.WordWrap
                color: Theme.text
            }
        }
    }
}
