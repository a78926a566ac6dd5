// The model bar: what is loaded (name, parameters, quantization, context, device), loading progress,
// open / recent models and the remote servers' models (ModelMenu), settings; the engine's load
// notices (why the GPU is not used). The bundled story model is labelled for what it is.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

ToolBar {
    id: bar
    required property ModelController controller
    property RemoteServers servers: null  // their models are listed in the picker beside the files
    signal openRequested()
    signal getModelRequested()
    signal settingsRequested()
    signal summarizeRequested()
    signal newChatRequested()
    signal exportRequested()
    signal importRequested()
    signal helpRequested()
    property bool canExport: false

    background: Rectangle {
        color: Theme.sidebar
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: Theme.border
        }
    }

    contentItem: ColumnLayout {
        spacing: 2

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing

            Label {
                text: qsTr("Hearth")
                font.bold: true
                font.pixelSize: Theme.titleFontSize
                color: Theme.accent
                Layout.leftMargin: Theme.spacing
            }

            ColumnLayout {
                Layout.fillWidth: true
                spacing: 0
                Label {
                    objectName: "modelName"
                    Layout.fillWidth: true
                    elide: Text.ElideMiddle
                    color: Theme.text
                    font.bold: true
                    text: {
                        switch (bar.controller.state) {
                        case "loaded": return bar.controller.displayName
                        case "loading": return bar.controller.tuning
                                            ? qsTr("Tuning for your GPU… (once per model and GPU)")
                                            : qsTr("Loading %1…").arg(bar.controller.loadingPath.split("/").pop())
                        case "error": return qsTr("No model loaded")
                        default: return qsTr("No model loaded")
                        }
                    }
                }
                Label {
                    objectName: "modelSummary"
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    visible: bar.controller.state !== "error"  // the error has its own row below
                    text: bar.controller.summary
                }
            }

            ToolButton {
                id: modelInfoButton
                objectName: "modelInfoButton"
                visible: bar.controller.state === "loaded"
                icon.source: Theme.icon("info")
                icon.color: Theme.text
                icon.width: Theme.iconSize
                icon.height: Theme.iconSize
                onClicked: modelInfo.open()
                Accessible.name: qsTr("About this model")
                ToolTip.visible: hovered
                ToolTip.delay: Theme.tooltipDelay
                ToolTip.text: qsTr("About this model: its weight types, context and chat template")
                ModelInfoPopup {
                    id: modelInfo
                    controller: bar.controller
                    anchors.centerIn: Overlay.overlay
                    width: Math.min(600, bar.width - 2 * Theme.spacing)
                }
            }
            ProgressBar {
                objectName: "loadProgress"
                visible: bar.controller.state === "loading"
                value: bar.controller.progress
                Layout.preferredWidth: 160
                Accessible.name: qsTr("Model loading progress")
            }

            Button {
                objectName: "openModelButton"
                text: qsTr("Open model…")
                icon.source: Theme.icon("open")
                icon.color: enabled ? Theme.text : Theme.mutedText
                icon.width: Theme.iconSize
                icon.height: Theme.iconSize
                onClicked: bar.openRequested()
                Accessible.name: Shortcuts.withKeys(qsTr("Open a GGUF model file"), Shortcuts.openModel)
                ToolTip.visible: hovered
                ToolTip.delay: Theme.tooltipDelay
                ToolTip.text: Shortcuts.withKeys(qsTr("Open a GGUF model, or drop a .gguf file on the window"), Shortcuts.openModel)
            }
            Button {
                objectName: "summarizeButton"
                text: qsTr("Summarize…")
                icon.source: Theme.icon("summarize")
                icon.color: enabled ? Theme.text : Theme.mutedText
                icon.width: Theme.iconSize
                icon.height: Theme.iconSize
                onClicked: bar.summarizeRequested()
                Accessible.name: Shortcuts.withKeys(qsTr("Summarize a document"), Shortcuts.summarize)
                ToolTip.visible: hovered
                ToolTip.delay: Theme.tooltipDelay
                ToolTip.text: Shortcuts.withKeys(qsTr("Summarize a text, Markdown, HTML, PDF or DOCX file, or drop it on the window"), Shortcuts.summarize)
            }
            ModelMenu {
                controller: bar.controller
                servers: bar.servers
                onServersRequested: bar.settingsRequested()
            }
            ToolButton {
                icon.source: Theme.icon("settings")
                icon.color: enabled ? Theme.text : Theme.mutedText
                icon.width: Theme.iconSize
                icon.height: Theme.iconSize
                onClicked: bar.settingsRequested()
                Accessible.name: Shortcuts.withKeys(qsTr("Settings"), Shortcuts.settings)
                ToolTip.visible: hovered
                ToolTip.delay: Theme.tooltipDelay
                ToolTip.text: Shortcuts.withKeys(qsTr("Settings"), Shortcuts.settings)
            }
            AppMenu {
                Layout.rightMargin: Theme.spacing
                canExport: bar.canExport
                onNewChatRequested: bar.newChatRequested()
                onOpenRequested: bar.openRequested()
                onGetModelRequested: bar.getModelRequested()
                onSummarizeRequested: bar.summarizeRequested()
                onExportRequested: bar.exportRequested()
                onImportRequested: bar.importRequested()
                onSettingsRequested: bar.settingsRequested()
                onHelpRequested: bar.helpRequested()
            }
        }

        // A failed load, read whole (it says what to do), with the ways out it names on the GPU: a
        // smaller context or the CPU, in one click each. When the model loaded before is still loaded
        // (the line above names it), the failure can be dismissed.
        RowLayout {
            visible: bar.controller.error.length > 0 && bar.controller.state !== "loading"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing
            Layout.rightMargin: Theme.spacing
            Layout.bottomMargin: 2
            spacing: Theme.spacing

            Label {
                objectName: "loadError"
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                font.pixelSize: Theme.smallFontSize
                color: Theme.text
                text: bar.controller.error
            }
            Button {
                objectName: "fitContextButton"
                visible: bar.controller.canFitContext
                text: qsTr("Use a smaller context")
                onClicked: bar.controller.retryWithFittingContext()
                Accessible.name: qsTr("Load the model again with the largest context that fits the GPU")
            }
            Button {
                objectName: "cpuLoadButton"
                visible: bar.controller.canUseCpu
                text: qsTr("Load on the CPU")
                onClicked: bar.controller.retryOnCpu()
                Accessible.name: qsTr("Load the model again on the CPU")
            }
            Button {
                objectName: "dismissLoadError"
                visible: bar.controller.state === "loaded"
                text: qsTr("Dismiss")
                onClicked: bar.controller.dismissError()
                Accessible.name: qsTr("Dismiss the load error")
            }
        }

        ModelNotices {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing
            Layout.rightMargin: Theme.spacing
            controller: bar.controller
        }
    }
}
