// A fenced code block: monospace, selectable, with its language and a copy button.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Rectangle {
    id: block
    property string code
    property string language

    implicitHeight: layout.implicitHeight
    radius: Theme.radius
    color: Theme.codeBackground
    border.color: Theme.border

    ColumnLayout {
        id: layout
        anchors.left: parent.left
        anchors.right: parent.right
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing
            Label {
                Layout.fillWidth: true
                text: block.language.length > 0 ? block.language : qsTr("code")
                font.pixelSize: Theme.captionFontSize
                color: Theme.mutedText
            }
            ToolButton {
                objectName: "copyCodeButton"
                text: copied.running ? qsTr("Copied") : qsTr("Copy code")
                font.pixelSize: Theme.captionFontSize
                onClicked: { TextTools.copy(block.code); copied.restart() }
                Accessible.name: qsTr("Copy code")
                Timer { id: copied; interval: 1500 }
            }
        }
        TextEdit {
            Layout.fillWidth: true
            Layout.margins: Theme.spacing
            text: block.code
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.WrapAnywhere
            textFormat: TextEdit.PlainText
            font.family: Theme.monoFont
            font.pixelSize: Theme.fontSize - 1
            color: Theme.text
            selectionColor: Theme.accent
            Accessible.name: qsTr("Code")
        }
    }
}
