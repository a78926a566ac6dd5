// The models folder: where it is (changeable), the models in it, and "add a file you already have"
// (copied in, or linked so it is not stored twice).
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Hearth

ColumnLayout {
    id: view
    required property var controller
    // Where the confirmation opens: the window's overlay (a popup inside the closed page could not).
    property Item popupParent: null
    spacing: Theme.spacing

    RowLayout {
        Layout.fillWidth: true
        Label {
            objectName: "modelsFolderLabel"
            Layout.fillWidth: true
            elide: Text.ElideMiddle
            color: Theme.text
            text: qsTr("Models folder: %1").arg(view.controller.modelsFolder)
        }
        Button {
            text: qsTr("Change…")
            onClicked: folderDialog.open()
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Button {
            text: qsTr("Add a file you already have…")
            onClicked: {
                addDialog.link = false
                addDialog.open()
            }
        }
        Button {
            text: qsTr("Link a file (not copied)…")
            onClicked: {
                addDialog.link = true
                addDialog.open()
            }
        }
        Item { Layout.fillWidth: true }
    }
    Label {
        visible: view.controller.localModels.count === 0
        Layout.fillWidth: true
        wrapMode: Text.WordWrap
        color: Theme.mutedText
        text: qsTr("No models here yet. Download one from the catalog, or add a GGUF file you already have.")
    }
    ListView {
        id: list
        objectName: "localModelList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        spacing: Theme.spacingSmall
        model: view.controller.localModels
        ScrollBar.vertical: ScrollBar {}
        delegate: LocalModelRow {
            width: list.width - 12
            controller: view.controller
            onDeleteRequested: (path, fileName, link) => {
                confirm.path = path
                confirm.fileName = fileName
                confirm.link = link
                confirm.open()
            }
        }
    }

    Dialog {
        id: confirm
        objectName: "confirmDeleteDialog"
        property string path
        property string fileName
        property bool link
        title: link ? qsTr("Remove this link?") : qsTr("Delete this model?")
        modal: true
        parent: view.popupParent ? view.popupParent : view
        anchors.centerIn: parent
        standardButtons: Dialog.Cancel | Dialog.Ok
        Label {
            width: 380
            wrapMode: Text.WordWrap
            color: Theme.text
            text: confirm.link ? qsTr("The link %1 is removed; the file it points to stays.").arg(confirm.fileName)
                : qsTr("%1 is deleted from the disk. Downloading it again takes as long as the first time.").arg(confirm.fileName)
        }
        onAccepted: view.controller.remove(path)
    }
    FolderDialog {
        id: folderDialog
        title: qsTr("Choose the models folder")
        onAccepted: view.controller.setModelsFolder(selectedFolder)
    }
    FileDialog {
        id: addDialog
        property bool link: false
        title: link ? qsTr("Link a GGUF model into the models folder") : qsTr("Copy a GGUF model into the models folder")
        nameFilters: [qsTr("GGUF models (*.gguf)")]
        onAccepted: view.controller.addExisting(selectedFile, link)
    }
}
