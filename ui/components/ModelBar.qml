// The model bar: what is loaded (name, parameters, quantization, context, device), loading progress,
// open / recent models, settings; the engine's load notices (why the GPU is not used). The bundled
// story model is labelled for what it is.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

ToolBar {
    id: bar
    required property ModelController controller
    signal openRequested()
    signal settingsRequested()
    signal summarizeRequested()

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
                font.pixelSize: 16
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
                        case "loading": return qsTr("Loading %1…").arg(bar.controller.loadingPath.split("/").pop())
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
                    font.pixelSize: 12
                    visible: bar.controller.state !== "error"  // the error has its own row below
                    text: bar.controller.summary
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
                text: qsTr("Open model…")
                onClicked: bar.openRequested()
                Accessible.name: qsTr("Open a GGUF model file")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Open a GGUF model (Ctrl+O), or drop a .gguf file on the window")
            }
            Button {
                text: qsTr("Summarize…")
                onClicked: bar.summarizeRequested()
                Accessible.name: qsTr("Summarize a document")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Summarize a text, Markdown, HTML, PDF or DOCX file (Ctrl+Shift+O), or drop it on the window")
            }
            Button {
                id: recentButton
                text: qsTr("Recent")
                enabled: bar.controller.recentModels.length > 0
                onClicked: recentMenu.open()
                Accessible.name: qsTr("Recent models")
                Menu {
                    id: recentMenu
                    y: recentButton.height
                    Repeater {
                        model: bar.controller.recentModels
                        MenuItem {
                            required property string modelData
                            text: modelData.split("/").pop()
                            onTriggered: bar.controller.open(modelData)
                            Accessible.name: qsTr("Load %1").arg(modelData)
                        }
                    }
                }
            }
            Button {
                text: qsTr("Settings")
                onClicked: bar.settingsRequested()
                Accessible.name: qsTr("Settings")
                Layout.rightMargin: Theme.spacing
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
                font.pixelSize: 12
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

        // What the engine said while loading: why the GPU is not used, a missing chat template.
        Label {
            objectName: "modelNotice"
            visible: bar.controller.state === "loaded" && text.length > 0
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing
            Layout.bottomMargin: 2
            wrapMode: Text.WordWrap
            font.pixelSize: 12
            color: Theme.mutedText
            text: bar.controller.info.notice || ""
        }

        // Honest label for the bundled model, with a pointer to real chat models.
        Label {
            objectName: "storyModelNotice"
            visible: bar.controller.state === "loaded" && bar.controller.storyModel
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing
            Layout.bottomMargin: 2
            wrapMode: Text.WordWrap
            font.pixelSize: 12
            color: Theme.mutedText
            textFormat: Text.StyledText
            text: qsTr("This is stories260K, a tiny model that writes children's stories, bundled so you can see "
                       + "Hearth work — it is not a chat model. For real conversations open a Llama 3.1 "
                       + "Instruct GGUF file (for example from huggingface.co, search \"Llama-3.1-8B-Instruct GGUF\").")
        }
    }
}
