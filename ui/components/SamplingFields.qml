// The sampling fields, used twice in Settings: for every conversation (writes SettingsController)
// and for the open one only (writes ChatController overrides; an empty field means "use default").
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

GridLayout {
    id: fields
    required property SettingsController settings
    // When set, edits go to this conversation's overrides instead of the global settings.
    property ChatController chat: null
    readonly property bool perConversation: chat !== null

    columns: 2
    columnSpacing: Theme.spacing * 2

    function current(key) {
        return perConversation ? settings.effective(key, chat.overrides) : settings[key]
    }
    function write(key, value) {
        if (perConversation)
            chat.setOverride(key, value)
        else
            settings[key] = value
    }

    component Field: TextField {
        id: field
        required property string key
        required property string label
        property bool integer: false
        Layout.fillWidth: true
        text: String(fields.current(key))
        validator: integer ? intValidator : doubleValidator
        Accessible.name: label
        onEditingFinished: {
            const v = integer ? parseInt(text) : parseFloat(text)
            if (!isNaN(v))
                fields.write(key, v)
        }
    }
    IntValidator { id: intValidator; bottom: 0 }
    DoubleValidator { id: doubleValidator; bottom: 0; decimals: 3; notation: DoubleValidator.StandardNotation }

    Label { text: qsTr("Temperature"); color: Theme.text }
    Field { key: "temperature"; label: qsTr("Temperature (0 is greedy)") }
    Label { text: qsTr("Top-k"); color: Theme.text }
    Field { key: "topK"; label: qsTr("Top-k (0 is off)"); integer: true }
    Label { text: qsTr("Top-p"); color: Theme.text }
    Field { key: "topP"; label: qsTr("Top-p (1 is off)") }
    Label { text: qsTr("Min-p"); color: Theme.text }
    Field { key: "minP"; label: qsTr("Min-p (0 is off)") }
    Label { text: qsTr("Repetition penalty"); color: Theme.text }
    Field { key: "repeatPenalty"; label: qsTr("Repetition penalty (1 is off)") }
    Label { text: qsTr("Seed"); color: Theme.text }
    Field { key: "seed"; label: qsTr("Seed (0 is random)"); integer: true }
    Label { text: qsTr("Maximum reply length"); color: Theme.text }
    Field { key: "maxTokens"; label: qsTr("Maximum reply length in tokens"); integer: true }
}
