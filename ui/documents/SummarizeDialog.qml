// "Summarize a document": pick a file (or receive a dropped one), choose the length, watch progress
// (part i of n, speed, time left), cancel at any moment. The DocumentController does the work; when it
// finishes, the summary is a new conversation (opened by the controller through the chat).
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Hearth

Dialog {
    id: dialog
    objectName: "summarizeDialog"
    required property DocumentController documents
    property string filePath: ""

    title: qsTr("Summarize a document")
    modal: true
    standardButtons: Dialog.NoButton
    width: Math.min(parent ? parent.width * 0.8 : 520, 520)

    // Opens the dialog on a file that was dropped on the window.
    function openWith(path) {
        filePath = path
        open()
    }

    function timeText(seconds) {
        if (seconds < 0)
            return qsTr("estimating…")
        const s = Math.round(seconds)
        return s >= 60 ? qsTr("about %1 min %2 s left").arg(Math.floor(s / 60)).arg(s % 60)
                       : qsTr("about %1 s left").arg(s)
    }

    FileDialog {
        id: picker
        title: qsTr("Choose a document")
        nameFilters: [qsTr("Documents (*.txt *.md *.markdown *.html *.htm *.pdf *.docx)"), qsTr("All files (*)")]
        onAccepted: dialog.filePath = selectedFile.toString()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 12

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                elide: Text.ElideMiddle
                text: dialog.filePath.length > 0 ? decodeURIComponent(dialog.filePath.replace(/^file:\/\//, ""))
                                                 : qsTr("No document chosen")
                color: Theme.text
            }
            Button {
                text: qsTr("Choose…")
                enabled: !dialog.documents.busy
                onClicked: picker.open()
            }
        }

        RowLayout {
            Label { text: qsTr("Length"); color: Theme.text }
            ComboBox {
                id: length
                objectName: "summaryLength"
                enabled: !dialog.documents.busy
                model: [qsTr("Short"), qsTr("Medium"), qsTr("Long")]
                currentIndex: 1
                readonly property var values: ["short", "medium", "long"]
            }
        }

        ProgressBar {
            Layout.fillWidth: true
            visible: dialog.documents.busy
            value: dialog.documents.fraction
        }
        Label {
            objectName: "summaryStatus"
            Layout.fillWidth: true
            visible: dialog.documents.busy
            wrapMode: Text.Wrap
            color: Theme.mutedText
            text: dialog.documents.status
                  + (dialog.documents.tokensPerSecond > 0
                     ? qsTr(" · %1 tok/s").arg(dialog.documents.tokensPerSecond.toFixed(1)) : "")
                  + " · " + dialog.timeText(dialog.documents.secondsLeft)
        }
        Label {
            objectName: "summaryError"
            Layout.fillWidth: true
            visible: dialog.documents.error.length > 0
            wrapMode: Text.Wrap
            color: "#c92a2a"
            text: dialog.documents.error
        }

        RowLayout {
            Layout.alignment: Qt.AlignRight
            Button {
                text: dialog.documents.busy ? qsTr("Stop (keep what is done)") : qsTr("Close")
                onClicked: dialog.documents.busy ? dialog.documents.cancel() : dialog.close()
            }
            Button {
                objectName: "summarizeButton"
                text: qsTr("Summarize")
                highlighted: true
                enabled: !dialog.documents.busy && dialog.filePath.length > 0
                onClicked: dialog.documents.summarize(dialog.filePath, length.values[length.currentIndex])
            }
        }
    }

    Connections {
        target: dialog.documents
        function onFinished(conversationId, cancelled) {
            if (conversationId > 0)
                dialog.close()
        }
    }
}
