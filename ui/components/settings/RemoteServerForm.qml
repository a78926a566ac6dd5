// Adding or editing one remote server: name, address (checked as it is typed: http or https, and a
// warning when plain http goes beyond this computer), API key, and the user's explicit choice to keep
// the key unencrypted in Hearth's database instead of the desktop's secret store (off by default).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

ColumnLayout {
    id: form
    property RemoteServers servers: null
    property int row: -1  // -1: a new server
    property string initialName
    property string initialUrl
    property string initialKeyPlace: "none"
    signal finished()

    spacing: Theme.spacingSmall
    readonly property var check: servers ? servers.checkAddress(urlField.text) : ({})
    property string refusal

    GridLayout {
        columns: 2
        Layout.fillWidth: true
        columnSpacing: Theme.spacing

        Label { text: qsTr("Name"); color: Theme.text }
        TextField {
            id: nameField
            objectName: "serverNameField"
            Layout.fillWidth: true
            text: form.initialName
            placeholderText: qsTr("For example: GPU box (the address's host when empty)")
            Accessible.name: qsTr("Server name")
        }
        Label { text: qsTr("Address"); color: Theme.text }
        TextField {
            id: urlField
            objectName: "serverUrlField"
            Layout.fillWidth: true
            text: form.initialUrl
            placeholderText: "http://gpu-box.lan:8000/v1"
            inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
            Accessible.name: qsTr("Server address (base URL, usually ending in /v1)")
        }
        Label { text: qsTr("API key"); color: Theme.text }
        TextField {
            id: keyField
            objectName: "serverKeyField"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            placeholderText: form.row < 0 || form.initialKeyPlace === "none"
                             ? qsTr("If the server needs one") : qsTr("Leave empty to keep the saved key")
            Accessible.name: qsTr("API key")
        }
    }

    Label {
        objectName: "serverUrlError"
        Layout.fillWidth: true
        visible: urlField.text.length > 0 && (form.check.error || "").length > 0
        text: form.check.error || ""
        wrapMode: Text.Wrap
        color: Theme.text
        font.pixelSize: Theme.smallFontSize
        background: Rectangle { color: Theme.error; radius: 4 }
        padding: Theme.spacingSmall
    }
    Label {
        Layout.fillWidth: true
        visible: (form.check.note || "").length > 0
        text: qsTr("%1 Hearth will use %2").arg(form.check.note || "").arg(form.check.baseUrl || "")
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
    }
    Label {
        objectName: "serverUrlWarning"
        Layout.fillWidth: true
        visible: (form.check.warning || "").length > 0
        text: "⚠ " + (form.check.warning || "")
        wrapMode: Text.Wrap
        color: Theme.text
        font.pixelSize: Theme.smallFontSize
        background: Rectangle { color: Theme.warning; radius: 4 }
        padding: Theme.spacingSmall
    }

    CheckBox {
        id: inDatabase
        objectName: "keyInDatabaseBox"
        Layout.fillWidth: true
        checked: form.initialKeyPlace === "database"
        text: qsTr("Keep the key in Hearth's database, unencrypted, for this server")
        Accessible.name: text
    }
    Label {
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacingLarge
        text: inDatabase.checked
              ? qsTr("Anyone who can read your files can read this key. Use it where no secret store runs.")
              : qsTr("The key goes to your desktop's secret store (GNOME Keyring, KWallet, KeePassXC).")
        wrapMode: Text.Wrap
        color: Theme.mutedText
        font.pixelSize: Theme.smallFontSize
    }
    CheckBox {
        id: forget
        visible: form.row >= 0 && form.initialKeyPlace !== "none"
        text: qsTr("Remove the saved key (the server takes none)")
        Accessible.name: text
    }

    Label {
        objectName: "serverFormRefusal"
        Layout.fillWidth: true
        visible: form.refusal.length > 0
        text: form.refusal
        wrapMode: Text.Wrap
        color: Theme.text
    }
    RowLayout {
        Button {
            objectName: "saveServerButton"
            text: form.row < 0 ? qsTr("Add server") : qsTr("Save")
            enabled: form.servers !== null && (form.check.error || "").length === 0
            onClicked: {
                form.refusal = form.row < 0
                    ? form.servers.add(nameField.text, urlField.text, keyField.text, inDatabase.checked)
                    : form.servers.update(form.row, nameField.text, urlField.text, keyField.text,
                                          inDatabase.checked, forget.checked)
                if (form.refusal.length === 0) {
                    keyField.text = ""
                    form.finished()
                }
            }
            Accessible.name: text
        }
        Button {
            text: qsTr("Cancel")
            onClicked: form.finished()
            Accessible.name: qsTr("Cancel editing the server")
        }
    }
}
