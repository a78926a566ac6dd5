// Whether a model fits the device, as a coloured dot and the estimate's sentence (GetModelController:
// "full" fits with the full context, "shorter" with a shorter one, "cpu" runs on the CPU only).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

RowLayout {
    id: mark
    property string kind
    property string text
    spacing: Theme.spacing

    Rectangle {
        Layout.alignment: Qt.AlignTop
        Layout.topMargin: 4
        width: 10
        height: 10
        radius: 5
        color: mark.kind === "full" ? "#2e9e57" : mark.kind === "shorter" ? "#d89a1c" : "#9a9890"
        Accessible.ignored: true
    }
    Label {
        objectName: "fitText"
        Layout.fillWidth: true
        wrapMode: Text.WordWrap
        font.pixelSize: Theme.smallFontSize
        color: Theme.mutedText
        text: mark.text
    }
}
