import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// What the user should know about the loaded model — the engine's load notices (why the GPU
// is not used, a missing chat template) and the bundled story model's label — as one calm
// line; "Details" shows each in full.
RowLayout {
    id: notices
    objectName: "modelNotices"
    required property ModelController controller
    readonly property var all: {
        const list = []
        if (notices.controller.state !== "loaded")
            return list
        // The engine's notices, one per line.
        for (const notice of (notices.controller.info.notice || "").split("\n"))
            if (notice.trim().length > 0)
                list.push(notice.trim())
        if (notices.controller.storyModel)
            list.push(qsTr("stories260K is a tiny story model, not a chat model. It is bundled so you can see Hearth "
                           + "work; for real conversations get a Llama model (menu › Get a model…) or open a "
                           + "Llama 3.1 Instruct GGUF file."))
        return list
    }
    // The first sentence of each notice, joined: the line elides what does not fit.
    readonly property string headline: all.map(n => {
        const end = n.search(/\.(\s|$)/)
        return end > 0 ? n.slice(0, end) : n
    }).join(" · ")

    visible: all.length > 0
    spacing: Theme.spacingSmall

    IconImage {
        source: Theme.icon("info")
        sourceSize: Qt.size(14, 14)
        color: Theme.mutedText
    }
    Label {
        objectName: "modelNoticeLine"
        Layout.fillWidth: true
        elide: Text.ElideRight
        font.pixelSize: Theme.smallFontSize
        color: Theme.mutedText
        text: notices.headline
    }
    ToolButton {
        objectName: "modelNoticeDetails"
        text: qsTr("Details")
        font.pixelSize: Theme.smallFontSize
        padding: 2
        onClicked: noticeDetails.open()
        Accessible.name: qsTr("Show the notices about this model in full")
    }

    Popup {
        id: noticeDetails
        objectName: "modelNoticePopup"
        y: notices.height
        x: notices.width - width
        width: Math.min(520, bar.width - 2 * Theme.spacing)
        padding: Theme.spacingLarge
        background: Rectangle {
            color: Theme.surface
            border.color: Theme.border
            radius: Theme.radius
        }
        contentItem: ColumnLayout {
            spacing: Theme.spacing
            Repeater {
                model: notices.all
                Label {
                    required property string modelData
                    objectName: "modelNoticeText"
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    color: Theme.text
                    text: modelData
                }
            }
        }
    }
}
