// One file of the catalog: its type and approximate size, whether it fits this device, and the one
// button that fits its state (download, pause, resume, open).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Rectangle {
    id: row
    required property var controller
    required property string key
    required property string file
    required property string type
    required property string sizeText
    required property string fitKind
    required property string fitText
    required property bool recommended
    required property string status
    required property double progress

    objectName: "catalogFileRow"
    implicitHeight: layout.implicitHeight + 2 * Theme.spacing
    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius

    RowLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacingLarge

        // A fixed width, so that the fit marks of all rows line up.
        ColumnLayout {
            Layout.preferredWidth: 150
            Layout.minimumWidth: 150
            Layout.maximumWidth: 150
            spacing: 2
            Label {
                text: row.type
                font.bold: true
                color: Theme.text
            }
            Label {
                visible: row.recommended
                text: qsTr("★ recommended")
                font.pixelSize: Theme.captionFontSize
                color: Theme.accent
            }
            Label {
                text: row.sizeText
                font.pixelSize: Theme.smallFontSize
                color: Theme.mutedText
            }
        }
        FitMark {
            Layout.fillWidth: true
            kind: row.fitKind
            text: row.fitText
        }
        ProgressBar {
            visible: row.status === "downloading" || row.status === "paused"
            Layout.preferredWidth: 90
            value: row.progress
        }
        Button {
            objectName: "catalogFileButton"
            Layout.preferredWidth: 110
            text: row.status === "downloading" ? qsTr("Pause")
                : row.status === "paused" || row.status === "failed" ? qsTr("Resume")
                : row.status === "local" ? qsTr("Open")
                : qsTr("Download")
            highlighted: row.status === ""
            onClicked: {
                if (row.status === "downloading")
                    row.controller.pause(row.file)
                else if (row.status === "paused" || row.status === "failed")
                    row.controller.resume(row.file)
                else if (row.status === "local")
                    row.controller.open(row.controller.modelsFolder + "/" + row.file)
                else
                    row.controller.download(row.key)
            }
            Accessible.name: text + " " + row.file
        }
    }
}
