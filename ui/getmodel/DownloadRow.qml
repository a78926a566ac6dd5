// One download: progress, speed and time left, or why it stopped; pause, resume, cancel.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Rectangle {
    id: row
    required property var controller
    required property string file
    required property string downloadState
    required property double progress
    required property string sizeText
    required property string speedText
    required property string timeLeftText
    required property string error
    required property bool partKept

    objectName: "downloadRow"
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
                text: row.file
            }
            Button {
                visible: row.downloadState === "downloading" || row.downloadState === "listing"
                text: qsTr("Pause")
                onClicked: row.controller.pause(row.file)
            }
            Button {
                visible: row.downloadState === "paused" || (row.downloadState === "failed" && row.error.length > 0)
                text: row.downloadState === "failed" && !row.partKept ? qsTr("Try again") : qsTr("Resume")
                onClicked: row.controller.resume(row.file)
            }
            Button {
                visible: row.downloadState !== "done"
                text: qsTr("Cancel")
                onClicked: row.controller.cancel(row.file)
                Accessible.name: qsTr("Cancel the download of %1 and delete its part").arg(row.file)
            }
            Button {
                visible: row.downloadState === "done" || (row.downloadState === "failed" && !row.partKept)
                text: qsTr("Clear")
                onClicked: row.controller.dismiss(row.file)
            }
        }
        ProgressBar {
            Layout.fillWidth: true
            value: row.progress
            indeterminate: row.downloadState === "listing"
        }
        Label {
            objectName: "downloadStatusText"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.smallFontSize
            color: row.downloadState === "failed" ? Theme.text : Theme.mutedText
            text: {
                if (row.downloadState === "failed")
                    return row.error
                if (row.downloadState === "listing")
                    return qsTr("Asking Hugging Face for the exact size and sha256…")
                if (row.downloadState === "done")
                    return qsTr("%1 · verified (size and sha256)").arg(row.sizeText)
                const parts = [row.sizeText]
                if (row.downloadState === "paused")
                    parts.push(qsTr("paused"))
                if (row.speedText.length > 0)
                    parts.push(row.speedText)
                if (row.timeLeftText.length > 0)
                    parts.push(row.timeLeftText)
                return parts.join(" · ")
            }
        }
    }
}
