// Settings, Remote servers: the OpenAI-compatible servers (vLLM, SGLang, llama-server, Ollama,
// another Hearth) whose models the model picker lists beside the local files. Each shows its address,
// where its key is kept, what went wrong with the key, and the plain-http warning; add, edit, remove.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

ColumnLayout {
    id: page
    objectName: "remoteServersPage"
    property RemoteServers servers: null
    property int editing: -2  // the row being edited; -1 a new server; -2 none

    spacing: Theme.spacing

    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        text: qsTr("Use models that run on another computer or a cluster. Their models appear in the model "
                   + "picker beside your files; your chats with them are sent to that server and kept here.")
    }

    Repeater {
        model: page.servers
        delegate: Frame {
            id: entry
            required property int index
            required property string name
            required property string baseUrl
            required property string keyPlace
            required property string keyMessage
            required property string warning
            Layout.fillWidth: true
            objectName: "remoteServer" + index
            background: Rectangle { color: Theme.surface; border.color: Theme.border; radius: Theme.radius }

            ColumnLayout {
                anchors.left: parent.left
                anchors.right: parent.right
                spacing: 2
                RowLayout {
                    Layout.fillWidth: true
                    Label { text: entry.name; font.bold: true; color: Theme.text; elide: Text.ElideRight; Layout.fillWidth: true }
                    Button {
                        text: qsTr("Edit")
                        visible: page.editing !== entry.index
                        onClicked: page.editing = entry.index
                        Accessible.name: qsTr("Edit %1").arg(entry.name)
                    }
                    Button {
                        objectName: "removeServerButton" + entry.index
                        text: qsTr("Remove")
                        onClicked: {
                            page.editing = -2
                            page.servers.remove(entry.index)
                        }
                        Accessible.name: qsTr("Remove %1 and its saved key").arg(entry.name)
                    }
                }
                Label { text: entry.baseUrl; color: Theme.mutedText; font.pixelSize: Theme.smallFontSize; Layout.fillWidth: true; elide: Text.ElideMiddle }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.smallFontSize
                    color: Theme.text
                    text: {
                        switch (entry.keyPlace) {
                        case "secretStore": return qsTr("API key: in the desktop's secret store")
                        case "database": return qsTr("API key: in Hearth's database, unencrypted (you chose this)")
                        case "unsaved": return qsTr("API key: not saved")
                        default: return qsTr("No API key")
                        }
                    }
                }
                Label {
                    objectName: "serverKeyMessage" + entry.index
                    Layout.fillWidth: true
                    visible: entry.keyMessage.length > 0
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.smallFontSize
                    color: Theme.text
                    text: entry.keyMessage
                    background: Rectangle { color: entry.keyPlace === "unsaved" ? Theme.warning : "transparent"; radius: 4 }
                    padding: entry.keyPlace === "unsaved" ? Theme.spacingSmall : 0
                }
                Label {
                    Layout.fillWidth: true
                    visible: entry.warning.length > 0
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.smallFontSize
                    color: Theme.text
                    text: "⚠ " + entry.warning
                    background: Rectangle { color: Theme.warning; radius: 4 }
                    padding: Theme.spacingSmall
                }
                Loader {
                    Layout.fillWidth: true
                    active: page.editing === entry.index
                    visible: active
                    sourceComponent: RemoteServerForm {
                        servers: page.servers
                        row: entry.index
                        initialName: entry.name
                        initialUrl: entry.baseUrl
                        initialKeyPlace: entry.keyPlace
                        onFinished: page.editing = -2
                    }
                }
            }
        }
    }

    Button {
        objectName: "addServerButton"
        visible: page.editing !== -1
        enabled: page.servers !== null && page.servers.loaded
        text: qsTr("Add a server…")
        onClicked: page.editing = -1
        Accessible.name: qsTr("Add a remote server")
    }
    Label {
        visible: page.editing === -1
        text: qsTr("New server")
        font.bold: true
        color: Theme.text
    }
    Loader {
        Layout.fillWidth: true
        active: page.editing === -1
        visible: active
        sourceComponent: RemoteServerForm {
            servers: page.servers
            onFinished: page.editing = -2
        }
    }
}
