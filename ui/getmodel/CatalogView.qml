// The catalog: models by name (description, licence, repository), each with its files. Sizes are
// approximate, and said to be; the exact size and sha256 are checked when a download starts.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

ColumnLayout {
    id: view
    required property var controller
    spacing: Theme.spacing

    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.smallFontSize
            color: Theme.mutedText
            text: qsTr("Llama-family models in GGUF files from Hugging Face (catalog version %1). Sizes are "
                       + "approximate; the exact size and the sha256 come from Hugging Face when a download "
                       + "starts, and the file is offered only once it matches.").arg(view.controller.catalogVersion)
        }
        Button {
            objectName: "refreshCatalogButton"
            text: view.controller.refreshing ? qsTr("Checking…") : qsTr("Check for a newer list")
            enabled: !view.controller.refreshing
            onClicked: view.controller.refreshCatalog()
            Accessible.name: qsTr("Fetch a newer catalog")
        }
    }

    RowLayout {
        Layout.fillWidth: true
        Label {
            text: qsTr("Newer lists come from")
            font.pixelSize: Theme.smallFontSize
            color: Theme.mutedText
        }
        TextField {
            objectName: "catalogUrlField"
            Layout.fillWidth: true
            font.pixelSize: Theme.smallFontSize
            text: view.controller.catalogUrl
            placeholderText: view.controller.defaultCatalogUrl
            selectByMouse: true
            onEditingFinished: view.controller.setCatalogUrl(text)
            ToolTip.visible: hovered
            ToolTip.delay: 600
            ToolTip.text: qsTr("Fetched only when you press \"Check for a newer list\". Empty: the Hearth project's list.")
            Accessible.name: qsTr("Address of the model catalog")
        }
    }

    ListView {
        id: list
        objectName: "catalogList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        spacing: Theme.spacingSmall
        model: view.controller.catalog
        ScrollBar.vertical: ScrollBar {}
        section.property: "modelId"
        section.delegate: ColumnLayout {
            id: header
            required property string section
            readonly property var summary: view.controller.modelSummary(section)
            width: list.width - 12
            spacing: 2
            Item { implicitHeight: Theme.spacing }
            Label {
                text: header.summary.name || ""
                font.pixelSize: Theme.titleFontSize
                font.bold: true
                color: Theme.text
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: header.summary.description || ""
                color: Theme.text
            }
            Label {
                Layout.fillWidth: true
                elide: Text.ElideRight
                font.pixelSize: Theme.captionFontSize
                color: Theme.mutedText
                text: qsTr("Licence: %1 · huggingface.co/%2").arg(header.summary.licence || "").arg(header.summary.repo || "")
            }
            Item { implicitHeight: 2 }
        }
        delegate: CatalogFileRow {
            width: list.width - 12
            controller: view.controller
        }
    }
}
