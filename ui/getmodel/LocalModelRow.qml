// One model in the models folder: size, parameters, type mix, where it is, whether it fits; open it
// (the same load as any file) or delete it after a confirmation.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Rectangle {
    id: row
    required property var controller
    required property string path
    required property string fileName
    required property string sizeText
    required property string typeMix
    required property string parameters
    required property string fitKind
    required property string fitText
    required property bool link
    required property string target
    required property string error
    signal deleteRequested(string path, string fileName, bool link)

    objectName: "localModelRow"
    implicitHeight: layout.implicitHeight + 2 * Theme.spacing
    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius

    ColumnLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacingSmall

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                elide: Text.ElideMiddle
                font.bold: true
                color: Theme.text
                text: row.fileName
            }
            // Buttons of one width, so that rows line up whatever their labels.
            Button {
                Layout.preferredWidth: 110
                text: qsTr("Open")
                enabled: row.error.length === 0
                highlighted: true
                onClicked: row.controller.open(row.path)
                Accessible.name: qsTr("Open %1").arg(row.fileName)
            }
            Button {
                objectName: "deleteModelButton"
                Layout.preferredWidth: 110
                text: row.link ? qsTr("Remove link") : qsTr("Delete")
                onClicked: row.deleteRequested(row.path, row.fileName, row.link)
                Accessible.name: qsTr("Delete %1").arg(row.fileName)
            }
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.smallFontSize
            color: Theme.text
            text: row.error.length > 0 ? qsTr("%1 · not readable as a model: %2").arg(row.sizeText).arg(row.error)
                : [row.sizeText, row.parameters, row.typeMix].join(" · ")
        }
        FitMark {
            Layout.fillWidth: true
            visible: row.fitText.length > 0
            kind: row.fitKind
            text: row.fitText
        }
        TextEdit {
            Layout.fillWidth: true
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.WrapAnywhere
            font.pixelSize: Theme.captionFontSize
            color: Theme.mutedText
            selectionColor: Theme.accent
            text: row.link ? qsTr("%1 → %2").arg(row.path).arg(row.target) : row.path
        }
    }
}
