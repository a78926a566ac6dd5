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
                    font.pixelSize: Theme.smallFontSize
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
            ToolButton {
                id: recentButton
                icon.source: Theme.icon("recent")
                icon.color: enabled ? Theme.text : Theme.mutedText
                icon.width: Theme.iconSize
                icon.height: Theme.iconSize
                enabled: bar.controller.recentModels.length > 0
                onClicked: recentMenu.open()
                Accessible.name: qsTr("Recent models")
                ToolTip.visible: hovered
                ToolTip.delay: Theme.tooltipDelay
                ToolTip.text: qsTr("Recent models")
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

        // What the user should know about the loaded model — the engine's load notices (why the GPU
        // is not used, a missing chat template) and the bundled story model's label — as one calm
        // line; "Details" shows each in full.
        RowLayout {
            id: notices
            objectName: "modelNotices"
            readonly property var all: {
                const list = []
                if (bar.controller.state !== "loaded")
                    return list
                // The engine's notices, one per line.
                for (const notice of (bar.controller.info.notice || "").split("\n"))
                    if (notice.trim().length > 0)
                        list.push(notice.trim())
                if (bar.controller.storyModel)
                    list.push(qsTr("stories260K is a tiny story model, not a chat model. It is bundled so you can see Hearth "
                                   + "work; for real conversations open a Llama 3.1 Instruct GGUF file (for example from "
                                   + "huggingface.co, search \"Llama-3.1-8B-Instruct GGUF\")."))
                return list
            }
            // The first sentence of each notice, joined: the line elides what does not fit.
            readonly property string headline: all.map(n => {
                const end = n.search(/\.(\s|$)/)
                return end > 0 ? n.slice(0, end) : n
            }).join(" · ")

            visible: all.length > 0
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing
            Layout.rightMargin: Theme.spacing
            spacing: Theme.spacingSmall

            IconImage {
                source: Theme.icon("info")
                sourceSize: Qt.size(14, 14)
                color: Theme.mutedText
            }
            Label {
                objectName: "modelNoticeLine"
                Layout.fillWidth: true
                elide: Text.ElideRight
                font.pixelSize: Theme.smallFontSize
                color: Theme.mutedText
                text: notices.headline
            }
            ToolButton {
                objectName: "modelNoticeDetails"
                text: qsTr("Details")
                font.pixelSize: Theme.smallFontSize
                padding: 2
                onClicked: noticeDetails.open()
                Accessible.name: qsTr("Show the notices about this model in full")
            }

            Popup {
                id: noticeDetails
                objectName: "modelNoticePopup"
                y: notices.height
                x: notices.width - width
                width: Math.min(520, bar.width - 2 * Theme.spacing)
                padding: Theme.spacingLarge
                background: Rectangle {
                    color: Theme.surface
                    border.color: Theme.border
                    radius: Theme.radius
                }
                contentItem: ColumnLayout {
                    spacing: Theme.spacing
                    Repeater {
                        model: notices.all
                        Label {
                            required property string modelData
                            objectName: "modelNoticeText"
                            Layout.fillWidth: true
                            wrapMode: Text.WordWrap
                            color: Theme.text
                            text: modelData
                        }
                    }
                }
            }
        }
    }
}
