// The window's menu (the ☰ button at the top right): every command of the window, each with its
// keyboard shortcut beside it, so the shortcuts can be found where the commands are.
import QtQuick
import QtQuick.Controls
import Hearth

ToolButton {
    id: button
    property bool canExport: false
    signal newChatRequested()
    signal openRequested()
    signal getModelRequested()
    signal summarizeRequested()
    signal exportRequested()
    signal importRequested()
    signal settingsRequested()
    signal helpRequested()

    objectName: "appMenuButton"
    icon.source: Theme.icon("menu")
    icon.color: enabled ? Theme.text : Theme.mutedText
    icon.width: Theme.iconSize
    icon.height: Theme.iconSize
    onClicked: menu.open()
    Accessible.name: qsTr("Menu")
    ToolTip.visible: hovered
    ToolTip.delay: Theme.tooltipDelay
    ToolTip.text: qsTr("Menu")

    Menu {
        id: menu
        objectName: "appMenu"
        y: button.height
        x: button.width - width
        width: 320

        CommandMenuItem { text: qsTr("New chat"); iconName: "new-chat"; keys: Shortcuts.newChat; onTriggered: button.newChatRequested() }
        CommandMenuItem { text: qsTr("Open model…"); iconName: "open"; keys: Shortcuts.openModel; onTriggered: button.openRequested() }
        CommandMenuItem { objectName: "getModelMenuItem"; text: qsTr("Get a model…"); iconName: "open"; onTriggered: button.getModelRequested() }
        CommandMenuItem { text: qsTr("Summarize a document…"); iconName: "summarize"; keys: Shortcuts.summarize; onTriggered: button.summarizeRequested() }
        MenuSeparator {}
        CommandMenuItem {
            objectName: "exportMenuItem"
            text: qsTr("Export this chat…")
            iconName: "export"
            keys: Shortcuts.exportChat
            enabled: button.canExport
            onTriggered: button.exportRequested()
        }
        CommandMenuItem { objectName: "importMenuItem"; text: qsTr("Import a chat…"); iconName: "import"; keys: Shortcuts.importChat; onTriggered: button.importRequested() }
        MenuSeparator {}
        CommandMenuItem { text: qsTr("Settings"); iconName: "settings"; keys: Shortcuts.settings; onTriggered: button.settingsRequested() }
        CommandMenuItem { objectName: "helpMenuItem"; text: qsTr("Keyboard shortcuts"); iconName: "help"; keys: Shortcuts.help; onTriggered: button.helpRequested() }
    }
}
