// What the loaded file is: architecture, parameters, the mix of weight types, context, vocabulary,
// chat template and device (ModelController.details), each value selectable to copy.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Popup {
    id: popup
    objectName: "modelInfoPopup"
    required property ModelController controller
    padding: Theme.spacingLarge
    background: Rectangle {
        color: Theme.surface
        border.color: Theme.border
        radius: Theme.radius
    }
    contentItem: ColumnLayout {
        spacing: Theme.spacing
        Label {
            text: qsTr("About this model")
            font.bold: true
            color: Theme.text
        }
        Repeater {
            model: popup.controller.details
            delegate: RowLayout {
                required property var modelData
                objectName: "modelInfoRow"
                Layout.fillWidth: true
                spacing: Theme.spacingLarge
                Label {
                    Layout.alignment: Qt.AlignTop
                    Layout.preferredWidth: 110
                    color: Theme.mutedText
                    font.pixelSize: Theme.fontSize
                    text: modelData.label
                }
                TextEdit {
                    objectName: "modelInfoValue"
                    Layout.fillWidth: true
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.Wrap
                    color: Theme.text
                    selectionColor: Theme.accent
                    font.pixelSize: Theme.fontSize
                    text: modelData.value
                    Accessible.name: modelData.label + ": " + modelData.value
                }
            }
        }
    }
}
