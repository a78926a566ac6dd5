// The model picker (the clock-and-list button of the model bar): recent model files, then each
// remote server with the models it lists (asked again each time the menu opens, off the GUI thread;
// while it answers, or when it cannot, a line says so), and a way to add a server.
import QtQuick
import QtQuick.Controls
import Hearth

ToolButton {
    id: button
    required property ModelController controller
    property RemoteServers servers: null
    signal serversRequested()

    objectName: "modelMenuButton"
    icon.source: Theme.icon("recent")
    icon.color: enabled ? Theme.text : Theme.mutedText
    icon.width: Theme.iconSize
    icon.height: Theme.iconSize
    onClicked: {
        if (servers)
            servers.listAllModels()
        menu.open()
    }
    Accessible.name: qsTr("Models: recent files and remote servers")
    ToolTip.visible: hovered
    ToolTip.delay: Theme.tooltipDelay
    ToolTip.text: qsTr("Recent models and the models of your remote servers")

    // One list, so the rows keep their order: headers, files, servers, their models or status lines.
    readonly property var entries: {
        let rows = [{ kind: "header", text: qsTr("Recent model files") }]
        if (controller.recentModels.length === 0)
            rows.push({ kind: "status", text: qsTr("None yet: open a GGUF file.") })
        for (const path of controller.recentModels)
            rows.push({ kind: "file", text: path.split("/").pop(), path: path })
        rows.push({ kind: "header", text: qsTr("Remote servers") })
        if (servers)
            rows = rows.concat(servers.pickerEntries)
        rows.push({ kind: "action", text: servers && servers.count > 0 ? qsTr("Manage remote servers…")
                                                                      : qsTr("Add a remote server…") })
        return rows
    }

    Menu {
        id: menu
        objectName: "modelMenu"
        y: button.height
        width: 440

        Repeater {
            model: button.entries
            MenuItem {
                id: item
                required property var modelData
                required property int index
                objectName: "modelMenuEntry" + index
                readonly property string kind: modelData.kind
                enabled: kind === "file" || kind === "model" || kind === "action"
                contentItem: Label {
                    leftPadding: item.kind === "model" || item.kind === "file" ? Theme.spacingLarge
                               : item.kind === "status" ? Theme.spacingLarge : 0
                    text: item.modelData.text
                    wrapMode: Text.Wrap
                    font.bold: item.kind === "header" || item.kind === "server"
                    font.italic: item.kind === "status"
                    font.pixelSize: item.kind === "status" ? Theme.smallFontSize : Theme.fontSize
                    color: item.kind === "status" ? Theme.mutedText : Theme.text
                }
                onTriggered: {
                    if (kind === "file")
                        button.controller.open(modelData.path)
                    else if (kind === "model")
                        button.servers.openModel(modelData.row, modelData.model)
                    else if (kind === "action")
                        button.serversRequested()
                }
                Accessible.name: kind === "file" ? qsTr("Load %1").arg(modelData.path)
                               : kind === "model" ? qsTr("Use %1 on the server").arg(modelData.text)
                               : modelData.text
            }
        }
    }
}
