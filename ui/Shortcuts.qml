// The keyboard shortcuts, in one place: Main.qml binds them, buttons and menus show them beside what
// they do, and the help sheet (F1) lists them all.
pragma Singleton
import QtQuick

QtObject {
    readonly property string newChat: "Ctrl+N"
    readonly property string search: "Ctrl+F"
    readonly property string focusComposer: "Ctrl+L"
    readonly property string stop: "Esc"
    readonly property string openModel: "Ctrl+O"
    readonly property string summarize: "Ctrl+Shift+O"
    readonly property string settings: "Ctrl+,"
    readonly property string help: "F1"
    readonly property string helpAlternative: "Ctrl+?"
    readonly property string exportChat: "Ctrl+E"
    readonly property string importChat: "Ctrl+I"
    // Typed in the composer, not window shortcuts.
    readonly property string send: "Enter"
    readonly property string newLine: "Shift+Enter"

    // "Summarize… (Ctrl+Shift+O)": a tooltip or button text with its shortcut.
    function withKeys(text, keys) {
        return qsTr("%1 (%2)").arg(text).arg(keys)
    }

    // The help sheet's rows, in the order a newcomer meets them.
    readonly property var all: [
        { keys: send, what: qsTr("Send the message") },
        { keys: newLine, what: qsTr("New line in the message") },
        { keys: stop, what: qsTr("Stop the reply being written") },
        { keys: newChat, what: qsTr("New chat") },
        { keys: search, what: qsTr("Search all messages") },
        { keys: focusComposer, what: qsTr("Go to the message field") },
        { keys: openModel, what: qsTr("Open a GGUF model file") },
        { keys: summarize, what: qsTr("Summarize a document") },
        { keys: exportChat, what: qsTr("Export this chat (Markdown or JSON)") },
        { keys: importChat, what: qsTr("Import a chat from a JSON export") },
        { keys: settings, what: qsTr("Settings") },
        { keys: help + " / " + helpAlternative, what: qsTr("This list of shortcuts") }
    ]
}
