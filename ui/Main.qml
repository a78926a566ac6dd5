// The main window: model bar on top, conversations on the left, the conversation and composer on
// the right. The C++ objects are declared here and passed to the views as properties.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Hearth

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1100
    height: 720
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    title: chat.currentTitle.length > 0 ? qsTr("%1 — Hearth").arg(chat.currentTitle) : qsTr("Hearth")
    color: Theme.background
    palette.window: Theme.background
    palette.windowText: Theme.text
    palette.base: Theme.surface
    palette.text: Theme.text
    palette.button: Theme.surface
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.placeholderText: Theme.mutedText
    palette.mid: Theme.border
    palette.light: Theme.surface
    palette.dark: Theme.border

    Store {
        id: store
        objectName: "store"
        path: AppOptions.databasePath
    }
    EngineClient {
        id: engine
        objectName: "engine"
        program: AppOptions.enginePath
    }
    SettingsController {
        id: settings
        objectName: "settings"
        store: store
    }
    ModelController {
        id: modelController
        objectName: "modelController"
        engine: engine
        settings: settings
        store: store
        bundledModel: AppOptions.bundledModel
    }
    ChatController {
        id: chat
        objectName: "chat"
        store: store
        engine: engine
        settings: settings
        model: modelController
    }

    DocumentController {
        id: documents
        objectName: "documents"
        store: store
        engine: engine
        chat: chat
        contextLength: modelController.info.contextLength || 0
    }

    SystemPalette { id: systemPalette }
    Binding {
        target: Theme
        property: "dark"
        value: settings.theme === "dark"
               || (settings.theme === "system" && systemPalette.window.hslLightness < 0.5)
    }

    Component.onCompleted: {
        engine.start()
        modelController.refreshDevices()
        if (AppOptions.autoLoad)
            modelController.loadAtStart(AppOptions.startModel)
        composer.focusInput()
    }

    // Keyboard: every action also has a button; these are the fast paths.
    Shortcut {
        sequence: "Ctrl+N"
        onActivated: { chat.newConversation(); composer.focusInput() }
    }
    Shortcut {
        sequence: "Ctrl+F"
        onActivated: sidebar.focusSearch()
    }
    Shortcut {
        sequence: "Ctrl+L"
        onActivated: composer.focusInput()
    }
    Shortcut {
        sequence: "Esc"
        enabled: chat.generating
        onActivated: chat.stop()
    }
    Shortcut {
        sequence: "Ctrl+O"
        onActivated: openDialog.open()
    }
    Shortcut {
        sequence: "Ctrl+Shift+O"
        onActivated: summarizeDialog.open()
    }
    Shortcut {
        sequence: "Ctrl+,"
        onActivated: settingsDialog.open()
    }

    header: ModelBar {
        id: modelBar
        controller: modelController
        onOpenRequested: openDialog.open()
        onSettingsRequested: settingsDialog.open()
        onSummarizeRequested: summarizeDialog.open()
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            id: sidebar
            objectName: "sidebar"
            Layout.preferredWidth: 270
            Layout.fillHeight: true
            chat: chat
            onConversationChosen: composer.focusInput()
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            NoticeBar {
                Layout.fillWidth: true
                text: chat.notice.length > 0 ? chat.notice : store.notice
                kind: chat.notice.length > 0 ? chat.noticeKind : "warning"
                onDismissed: chat.dismissNotice()
            }
            ConversationView {
                id: conversationView
                objectName: "conversationView"
                Layout.fillWidth: true
                Layout.fillHeight: true
                chat: chat
                modelController: modelController
            }
            Composer {
                id: composer
                objectName: "composer"
                Layout.fillWidth: true
                chat: chat
            }
        }
    }

    UndoBar {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 90
        title: chat.undoTitle
        onUndo: chat.undoRemove()
    }

    SettingsDialog {
        id: settingsDialog
        objectName: "settingsDialog"
        settings: settings
        chat: chat
        modelController: modelController
    }

    SummarizeDialog {
        id: summarizeDialog
        documents: documents
        anchors.centerIn: parent
    }

    FileDialog {
        id: openDialog
        title: qsTr("Open a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: modelController.open(selectedFile)
    }

    // Drop a .gguf anywhere on the window to load it; any other file is offered for summarizing.
    DropArea {
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: (drop) => {
            if (!drop.hasUrls || drop.urls.length === 0)
                return
            const url = drop.urls[0].toString()
            if (url.toLowerCase().endsWith(".gguf"))
                modelController.open(drop.urls[0])
            else
                summarizeDialog.openWith(url)
        }
    }
}
