// The sidebar: new chat, search across all messages, and the conversation list (pinned first,
// newest first). While the search field has text it shows the hits; choosing one opens the
// conversation at that message.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

Rectangle {
    id: sidebar
    required property ChatController chat
    required property LibraryController library
    signal conversationChosen()
    color: Theme.sidebar

    function focusSearch() {
        searchField.forceActiveFocus()
        searchField.selectAll()
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        Button {
            objectName: "newChatButton"
            Layout.fillWidth: true
            text: qsTr("New chat")
            icon.source: Theme.icon("new-chat")
            icon.color: enabled ? Theme.text : Theme.mutedText
            icon.width: Theme.iconSize
            icon.height: Theme.iconSize
            onClicked: { sidebar.chat.newConversation(); sidebar.conversationChosen() }
            Accessible.name: Shortcuts.withKeys(qsTr("New chat"), Shortcuts.newChat)
            ToolTip.visible: hovered
            ToolTip.delay: Theme.tooltipDelay
            ToolTip.text: Shortcuts.withKeys(qsTr("Start a new chat"), Shortcuts.newChat)
        }

        TextField {
            id: searchField
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: Shortcuts.withKeys(qsTr("Search all messages"), Shortcuts.search)
            Accessible.name: qsTr("Search all messages")
            onTextChanged: searchDelay.restart()
            Keys.onEscapePressed: text = ""
            Timer {
                id: searchDelay
                interval: 150
                onTriggered: sidebar.library.search(searchField.text)
            }
        }

        // Search hits.
        ListView {
            id: hits
            objectName: "searchResults"
            visible: searchField.text.length > 0
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: Theme.spacingSmall / 2
            model: sidebar.library.searchResults
            keyNavigationEnabled: true
            Accessible.name: qsTr("Search results")
            delegate: ItemDelegate {
                id: hit
                required property var conversationId
                required property var messageId
                required property string title
                required property string snippet
                width: ListView.view.width
                Accessible.name: qsTr("Result in %1").arg(title)
                contentItem: ColumnLayout {
                    spacing: Theme.spacingSmall / 2
                    Label {
                        Layout.fillWidth: true
                        text: hit.title
                        font.bold: true
                        elide: Text.ElideRight
                        color: Theme.text
                    }
                    Label {
                        Layout.fillWidth: true
                        text: hit.snippet
                        textFormat: Text.StyledText
                        wrapMode: Text.WordWrap
                        maximumLineCount: 3
                        elide: Text.ElideRight
                        font.pixelSize: Theme.smallFontSize
                        color: Theme.mutedText
                    }
                }
                onClicked: {
                    sidebar.chat.openConversation(conversationId, messageId)
                    sidebar.conversationChosen()
                }
            }
            Label {
                anchors.centerIn: parent
                visible: hits.count === 0
                text: qsTr("No messages match.")
                color: Theme.mutedText
            }
        }

        // Conversations.
        ListView {
            id: list
            objectName: "conversationList"
            visible: searchField.text.length === 0
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: Theme.spacingSmall / 2
            model: sidebar.library.conversations
            keyNavigationEnabled: true
            Accessible.name: qsTr("Conversations")
            ScrollBar.vertical: ScrollBar {}
            delegate: ConversationDelegate {
                width: ListView.view.width
                chat: sidebar.chat
                library: sidebar.library
                onChosen: sidebar.conversationChosen()
            }
            Label {
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.spacing
                visible: list.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("Your conversations will appear here.")
                color: Theme.mutedText
            }
        }
    }
}
