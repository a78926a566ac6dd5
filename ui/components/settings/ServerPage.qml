// Settings → API server: the loaded model for other programs through the OpenAI-compatible API
// (ApiServerController). On/off, port, loopback or every interface (with its warning), the address
// to give those programs, the required key (masked; show, copy, make a new one) and the status.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

ColumnLayout {
    id: page
    required property ApiServerController server
    property bool keyShown: false
    readonly property bool running: server.state === ApiServerController.Running

    spacing: Theme.spacing

    Label { text: qsTr("API server"); font.bold: true; color: Theme.text }
    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        text: qsTr("Editors, scripts and other programs can use the loaded model through the "
                   + "OpenAI-compatible API. They take turns with this window's chat.")
    }
    Switch {
        objectName: "apiServerSwitch"
        text: qsTr("Serve the loaded model")
        checked: page.server.enabled
        onToggled: page.server.enabled = checked
        Accessible.name: qsTr("Serve the loaded model through the API")
    }

    GridLayout {
        columns: 2
        columnSpacing: Theme.spacingLarge
        Layout.fillWidth: true

        Label { text: qsTr("Status"); color: Theme.text }
        Label {
            objectName: "apiServerStatus"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: page.server.state === ApiServerController.Failed ? Theme.accent : Theme.text
            text: {
                switch (page.server.state) {
                case ApiServerController.Running:
                    return (page.server.modelId.length > 0
                            ? qsTr("Running, serving %1").arg(page.server.modelId)
                            : qsTr("Running; no model is loaded"))
                        + " · " + (page.server.requestsServed === 1 ? qsTr("1 request served")
                                   : qsTr("%1 requests served").arg(page.server.requestsServed))
                case ApiServerController.Starting:
                    return qsTr("Starting…")
                case ApiServerController.Failed:
                    return page.server.error
                default:
                    return qsTr("Off")
                }
            }
        }

        Label { text: qsTr("Address"); color: Theme.text }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                objectName: "apiServerAddress"
                Layout.fillWidth: true
                readOnly: true
                selectByMouse: true
                font.family: Theme.monoFont
                text: page.running ? page.server.address : ""
                placeholderText: qsTr("Shown while the server runs")
                Accessible.name: qsTr("Server address")
            }
            Button {
                text: qsTr("Copy")
                enabled: page.running
                onClicked: page.server.copyAddress()
                Accessible.name: qsTr("Copy the server address")
            }
        }

        Label { text: qsTr("Port"); color: Theme.text }
        SpinBox {
            objectName: "apiServerPort"
            from: 1
            to: 65535
            editable: true
            value: page.server.port
            onValueModified: page.server.port = value
            textFromValue: (v) => String(v)
            valueFromText: (t) => parseInt(t)
            Accessible.name: qsTr("Port")
        }

        Label { text: qsTr("API key"); color: Theme.text }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                objectName: "apiServerKey"
                Layout.fillWidth: true
                readOnly: true
                font.family: Theme.monoFont
                echoMode: page.keyShown ? TextInput.Normal : TextInput.Password
                text: page.server.apiKey
                placeholderText: qsTr("Made when the server first starts")
                Accessible.name: qsTr("API key")
            }
            Button {
                text: page.keyShown ? qsTr("Hide") : qsTr("Show")
                enabled: page.server.apiKey.length > 0
                onClicked: page.keyShown = !page.keyShown
                Accessible.name: page.keyShown ? qsTr("Hide the API key") : qsTr("Show the API key")
            }
            Button {
                text: qsTr("Copy")
                enabled: page.server.apiKey.length > 0
                onClicked: page.server.copyKey()
                Accessible.name: qsTr("Copy the API key")
            }
            Button {
                text: qsTr("New key")
                enabled: page.server.apiKey.length > 0
                onClicked: page.server.regenerateKey()
                Accessible.name: qsTr("Make a new API key; the old one stops working")
                ToolTip.visible: hovered
                ToolTip.delay: Theme.tooltipDelay
                ToolTip.text: qsTr("The old key stops working at once")
            }
        }
    }
    Label {
        Layout.fillWidth: true
        visible: page.server.keyNotice.length > 0
        wrapMode: Text.Wrap
        color: Theme.text
        text: page.server.keyNotice
        padding: Theme.spacing
        background: Rectangle { color: Theme.warning; radius: Theme.radius }
    }
    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        text: qsTr("Programs send the key as \"Authorization: Bearer KEY\"; in OpenAI's libraries it is the api_key, "
                   + "and the address is the base URL.")
    }

    CheckBox {
        objectName: "apiServerAllInterfaces"
        text: qsTr("Reachable from other computers on the network")
        checked: page.server.allInterfaces
        onToggled: page.server.allInterfaces = checked
        Accessible.name: text
    }
    Label {
        objectName: "apiServerNetworkWarning"
        Layout.fillWidth: true
        visible: page.server.allInterfaces
        wrapMode: Text.Wrap
        color: Theme.text
        padding: Theme.spacing
        background: Rectangle { color: Theme.warning; radius: Theme.radius }
        text: qsTr("Warning: anyone on your network who knows the key can use the model, and the traffic is not "
                   + "encrypted, so the key and the conversations can be read on the way. Turn this on only on a "
                   + "network you trust. Other computers use this computer's network address in place of 127.0.0.1.")
    }
}
