// "Get a model": the catalog, the downloads and the models on this computer, in three tabs. Nothing
// here touches the network until a button is pressed.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Dialog {
    id: dialog
    objectName: "getModelDialog"
    required property var controller
    property alias currentTab: tabs.currentIndex
    property Item popupParent: null // the window's overlay, for the pages' own popups

    title: qsTr("Get a model")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(900, parent ? parent.width - 40 : 900)
    height: Math.min(700, parent ? parent.height - 40 : 700)
    standardButtons: Dialog.Close

    function showDownloads() {
        tabs.currentIndex = 1
        open()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        TabBar {
            id: tabs
            objectName: "getModelTabs"
            Layout.fillWidth: true
            TabButton { text: qsTr("Catalog") }
            TabButton { text: qsTr("Downloads (%1)").arg(dialog.controller.downloads.count) }
            TabButton { text: qsTr("On this computer (%1)").arg(dialog.controller.localModels.count) }
        }
        Label {
            objectName: "getModelMessage"
            visible: text.length > 0
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.text
            text: dialog.controller.message
        }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex
            CatalogView { controller: dialog.controller }
            ColumnLayout {
                spacing: Theme.spacingSmall
                Label {
                    visible: dialog.controller.downloads.count === 0
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    color: Theme.mutedText
                    text: qsTr("No downloads. Choose a file in the catalog.")
                }
                ListView {
                    id: downloadList
                    objectName: "downloadList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: Theme.spacingSmall
                    model: dialog.controller.downloads
                    delegate: DownloadRow {
                        width: downloadList.width - 12
                        controller: dialog.controller
                    }
                }
            }
            LocalModelsView {
                controller: dialog.controller
                popupParent: dialog.popupParent
            }
        }
    }
}
