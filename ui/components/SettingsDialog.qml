// Settings: system prompt, sampling (global and for this conversation), context size, CPU threads,
// device, GPU tuning, theme, remote servers (settings/RemoteServersPage.qml) and the API server
// (settings/ServerPage.qml). Changes apply at once; the model's apply when it is next loaded.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Dialog {
    id: dialog
    required property SettingsController settings
    required property ChatController chat
    required property ModelController modelController
    property RemoteServers servers: null
    required property ApiServerController apiServer

    title: qsTr("Settings")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(620, parent ? parent.width - 40 : 620)
    height: Math.min(640, parent ? parent.height - 40 : 640)
    standardButtons: Dialog.Close
    onOpened: modelController.refreshDevices()

    ScrollView {
        objectName: "settingsScroll"
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: parent.width
            spacing: Theme.spacing

            Label { text: qsTr("System prompt"); font.bold: true; color: Theme.text }
            TextArea {
                objectName: "systemPromptField"
                Layout.fillWidth: true
                Layout.preferredHeight: 80
                wrapMode: TextArea.Wrap
                text: dialog.settings.systemPrompt
                placeholderText: qsTr("Optional instructions the model sees before every conversation")
                onEditingFinished: dialog.settings.systemPrompt = text
                Accessible.name: qsTr("System prompt")
            }

            Label { text: qsTr("Sampling — all conversations"); font.bold: true; color: Theme.text }
            SamplingFields { Layout.fillWidth: true; settings: dialog.settings }

            Label {
                text: qsTr("Sampling — this conversation only")
                font.bold: true
                color: Theme.text
                visible: dialog.chat.currentConversationId > 0
            }
            SamplingFields {
                Layout.fillWidth: true
                visible: dialog.chat.currentConversationId > 0
                settings: dialog.settings
                chat: dialog.chat
            }
            Button {
                visible: dialog.chat.currentConversationId > 0 && Object.keys(dialog.chat.overrides).length > 0
                text: qsTr("Use the defaults for this conversation")
                onClicked: dialog.chat.clearOverrides()
                Accessible.name: text
            }

            Label { text: qsTr("Model"); font.bold: true; color: Theme.text }
            GridLayout {
                columns: 2
                Layout.fillWidth: true
                Label { text: qsTr("Context size"); color: Theme.text }
                SpinBox {
                    from: 0
                    to: 131072
                    stepSize: 512
                    editable: true
                    value: dialog.settings.contextSize
                    onValueModified: dialog.settings.contextSize = value
                    textFromValue: (v) => v === 0 ? qsTr("Default") : String(v)
                    valueFromText: (t) => t === qsTr("Default") ? 0 : parseInt(t)
                    Accessible.name: qsTr("Context size in tokens (0 uses the default)")
                }
                Label { text: qsTr("CPU threads"); color: Theme.text }
                SpinBox {
                    from: 0
                    to: 256
                    editable: true
                    value: dialog.settings.cpuThreads
                    onValueModified: dialog.settings.cpuThreads = value
                    textFromValue: (v) => v === 0 ? qsTr("Automatic") : String(v)
                    valueFromText: (t) => t === qsTr("Automatic") ? 0 : parseInt(t)
                    Accessible.name: qsTr("CPU threads (0: one per physical core)")
                }
                Label { text: qsTr("Device"); color: Theme.text }
                ComboBox {
                    id: deviceBox
                    Layout.fillWidth: true
                    textRole: "label"
                    model: {
                        let items = [{ label: qsTr("Automatic (best GPU, else CPU)"), backend: "auto", index: -1 }]
                        for (const d of dialog.modelController.devices) {
                            if (d.index < 0)
                                items.push({ label: qsTr("CPU"), backend: "cpu", index: -1 })
                            else
                                items.push({ label: d.name, backend: "vulkan", index: d.index })
                        }
                        return items
                    }
                    currentIndex: {
                        for (let i = 0; i < model.length; ++i)
                            if (model[i].backend === dialog.settings.backend
                                    && (model[i].backend !== "vulkan" || model[i].index === dialog.settings.device))
                                return i
                        return 0
                    }
                    onActivated: (i) => {
                        dialog.settings.backend = model[i].backend
                        dialog.settings.device = model[i].index
                    }
                    Accessible.name: qsTr("Device")
                }
            }
            CheckBox {
                objectName: "tuneKernelsCheck"
                text: qsTr("Tune for the GPU on a model's first load there (a few seconds, then remembered)")
                checked: dialog.settings.tuneKernels
                onToggled: dialog.settings.tuneKernels = checked
                Accessible.name: text
            }
            Button {
                text: qsTr("Reload the model with these settings")
                enabled: dialog.modelController.state === "loaded" && !dialog.chat.generating
                onClicked: dialog.modelController.reload()
                Accessible.name: text
            }

            Label { text: qsTr("Appearance"); font.bold: true; color: Theme.text }
            RowLayout {
                Repeater {
                    model: [{ value: "system", label: qsTr("System") }, { value: "light", label: qsTr("Light") },
                        { value: "dark", label: qsTr("Dark") }]
                    RadioButton {
                        required property var modelData
                        text: modelData.label
                        checked: dialog.settings.theme === modelData.value
                        onClicked: dialog.settings.theme = modelData.value
                        Accessible.name: qsTr("Theme: %1").arg(modelData.label)
                    }
                }
            }
            Label { text: qsTr("Remote servers"); font.bold: true; color: Theme.text; visible: dialog.servers !== null }
            RemoteServersPage { Layout.fillWidth: true; visible: dialog.servers !== null; servers: dialog.servers }

            ServerPage { Layout.fillWidth: true; Layout.topMargin: Theme.spacingLarge; server: dialog.apiServer }

            Button {
                text: qsTr("Reset all settings to defaults")
                onClicked: dialog.settings.resetToDefaults()
                Accessible.name: text
            }
        }
    }
}
