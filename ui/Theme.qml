// Colours, spacing and fonts for light and dark; Main.qml binds `dark` from the theme setting.
pragma Singleton
import QtQuick

QtObject {
    property bool dark: false

    readonly property color background: dark ? "#1e1f22" : "#fafaf7"
    readonly property color sidebar: dark ? "#17181a" : "#f0efe9"
    readonly property color surface: dark ? "#2a2c30" : "#ffffff"
    readonly property color userBubble: dark ? "#2f3b4d" : "#e6eefb"
    readonly property color assistantBubble: dark ? "#26282c" : "#ffffff"
    readonly property color codeBackground: dark ? "#121315" : "#f3f2ee"
    readonly property color border: dark ? "#3a3d42" : "#dedcd4"
    readonly property color text: dark ? "#e8e6e3" : "#1f1f1c"
    readonly property color mutedText: dark ? "#a0a3a8" : "#6b6a64"
    readonly property color accent: dark ? "#f0a04b" : "#c0561b"
    readonly property color accentText: "#ffffff"
    readonly property color selection: dark ? "#3b3f46" : "#e3e0d6"
    readonly property color warning: dark ? "#5a4a1c" : "#fff3cd"
    readonly property color error: dark ? "#5c2626" : "#fde2e1"
    readonly property color info: dark ? "#233a4f" : "#e1eefb"

    // One spacing scale (4, 8, 16) and one type scale (11, 12, 14, 16, 22 px) for the whole window.
    readonly property int spacingSmall: 4
    readonly property int spacing: 8
    readonly property int spacingLarge: 16
    readonly property int radius: 8
    readonly property int captionFontSize: 11
    readonly property int smallFontSize: 12
    readonly property int fontSize: 14
    readonly property int titleFontSize: 16
    readonly property int headlineFontSize: 22
    readonly property string monoFont: "monospace"
    readonly property int iconSize: 18
    readonly property int tooltipDelay: 500

    // The bundled icons (ui/icons/NAME.svg), drawn in black. A control that shows one sets icon.color
    // (Theme.text, or Theme.mutedText when disabled): Qt leaves the icon black when the colour comes
    // only from the palette, which is unreadable on the dark theme.
    function icon(name) {
        return "qrc:/Hearth/icons/" + name + ".svg"
    }
}
