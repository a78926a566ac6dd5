// The first start: only the bundled story model is here. Say so plainly and offer the catalog's best
// file for this machine (from the memory estimate), downloaded and opened with one click.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Rectangle {
    id: offer
    objectName: "firstStartOffer"
    required property var controller
    required property ModelController modelController
    property bool dismissed: false
    readonly property var pick: controller.recommendation
    signal catalogRequested()
    signal downloadsRequested()

    readonly property bool shown: !dismissed && modelController.storyModel && controller.onlyBundledModel
                                  && pick.key !== undefined
    // Collapsed rather than hidden: the window's column then keeps laying it out at its full width.
    implicitHeight: shown ? layout.implicitHeight + 2 * Theme.spacing : 0
    clip: true
    color: Theme.info

    // The sentence over the whole width, the buttons under it.
    ColumnLayout {
        id: layout
        visible: offer.shown
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacingSmall
        Label {
            objectName: "firstStartText"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.text
            text: qsTr("Hearth came with a tiny story model only (260 thousand parameters): it makes up short "
                       + "stories and cannot hold a conversation. For real chat, get %1 (%2, %3).")
                  .arg(offer.pick.name || "").arg(offer.pick.type || "").arg(offer.pick.sizeText || "")
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.smallFontSize
            color: Theme.mutedText
            text: offer.pick.fitText || ""
        }
        RowLayout {
            spacing: Theme.spacing
            Button {
                objectName: "firstStartDownload"
                text: qsTr("Download and open")
                highlighted: true
                onClicked: {
                    offer.controller.downloadAndOpen(offer.pick.key)
                    offer.downloadsRequested()
                }
                Accessible.name: qsTr("Download %1 %2 and open it").arg(offer.pick.name || "").arg(offer.pick.type || "")
            }
            Button {
                text: qsTr("See all models")
                onClicked: offer.catalogRequested()
            }
            Button {
                text: qsTr("Not now")
                flat: true
                onClicked: offer.dismissed = true
            }
        }
    }
}
