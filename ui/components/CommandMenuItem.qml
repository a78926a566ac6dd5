// A menu entry that shows its keyboard shortcut at the right, as desktop menus do.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

MenuItem {
    id: item
    property string keys
    property string iconName

    icon.source: iconName.length > 0 ? Theme.icon(iconName) : ""
    icon.color: enabled ? Theme.text : Theme.mutedText
    icon.width: Theme.iconSize
    icon.height: Theme.iconSize
    Accessible.name: keys.length > 0 ? Shortcuts.withKeys(text, keys) : text

    contentItem: RowLayout {
        spacing: Theme.spacing
        IconImage {
            visible: item.iconName.length > 0
            source: item.icon.source
            sourceSize: Qt.size(Theme.iconSize, Theme.iconSize)
            Layout.preferredWidth: Theme.iconSize
            Layout.preferredHeight: Theme.iconSize
            color: item.enabled ? Theme.text : Theme.mutedText
        }
        Label {
            Layout.fillWidth: true
            text: item.text
            color: item.enabled ? Theme.text : Theme.mutedText
            font.pixelSize: Theme.fontSize
        }
        Label {
            visible: item.keys.length > 0
            text: item.keys
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            Layout.leftMargin: 2 * Theme.spacing
        }
    }
}
