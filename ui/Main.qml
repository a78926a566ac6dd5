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
    // A sensible first size: most of a laptop screen, no more than a comfortable reading width.
    width: Math.min(1200, Math.round(Screen.desktopAvailableWidth * 0.8)) || 1100
    height: Math.min(800, Math.round(Screen.desktopAvailableHeight * 0.85)) || 720
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
    RemoteServers {
        id: servers
        objectName: "remoteServers"
        store: store
        modelController: modelController
    }

    GetModelController {
        id: getModel
        objectName: "getModel"
        dataDir: AppOptions.dataDir
        settings: settings
        modelController: modelController
    }
    LibraryController {
        id: library
        objectName: "library"
        store: store
    }
    ChatController {
        id: chat
        objectName: "chat"
        library: library
        store: store
        engine: engine
        settings: settings
        model: modelController
    }

    ApiServerController {
        id: apiServer
        objectName: "apiServer"
        engine: engine
        store: store
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

    // Keyboard: every action also has a button or a menu entry that shows its shortcut (Shortcuts.qml);
    // F1 lists them all.
    function newChat() {
        chat.newConversation()
        composer.focusInput()
    }
    function exportChat() {
        if (chat.currentConversationId <= 0)
            return
        exportDialog.selectedFile = transfer.suggestedFile(chat.currentTitle, ChatTransfer.Markdown)
        exportDialog.open()
    }
    // JSON when its filter was chosen or the name ends in .json; Markdown otherwise.
    function exportTo(file, jsonChosen) {
        const json = jsonChosen || file.toString().toLowerCase().endsWith(".json")
        transfer.exportConversation(chat.currentConversationId, file, json ? ChatTransfer.Json : ChatTransfer.Markdown)
    }
    function importFrom(file) {
        transfer.importConversation(file)
    }
    Shortcut {
        sequence: Shortcuts.newChat
        onActivated: window.newChat()
    }
    Shortcut {
        sequence: Shortcuts.search
        onActivated: sidebar.focusSearch()
    }
    Shortcut {
        sequence: Shortcuts.focusComposer
        onActivated: composer.focusInput()
    }
    Shortcut {
        sequence: Shortcuts.stop
        enabled: chat.generating
        onActivated: chat.stop()
    }
    Shortcut {
        sequence: Shortcuts.openModel
        onActivated: openDialog.open()
    }
    Shortcut {
        sequence: Shortcuts.summarize
        onActivated: summarizeDialog.open()
    }
    Shortcut {
        sequence: Shortcuts.settings
        onActivated: settingsDialog.open()
    }
    Shortcut {
        sequence: Shortcuts.exportChat
        onActivated: window.exportChat()
    }
    Shortcut {
        sequence: Shortcuts.importChat
        onActivated: importDialog.open()
    }
    Shortcut {
        sequences: [Shortcuts.help, Shortcuts.helpAlternative, "Ctrl+/"]
        onActivated: shortcutsSheet.open()
    }

    // The window opens at its last size (or a sensible one for the screen) and remembers it.
    Connections {
        target: settings
        function onLoadedChanged() {
            if (!settings.loaded)
                return
            if (settings.windowWidth > 0 && settings.windowHeight > 0) {
                window.width = Math.max(window.minimumWidth, Math.min(settings.windowWidth, Screen.desktopAvailableWidth))
                window.height = Math.max(window.minimumHeight, Math.min(settings.windowHeight, Screen.desktopAvailableHeight))
            }
            if (settings.windowMaximized)
                window.showMaximized()
        }
    }
    onClosing: {
        settings.windowMaximized = window.visibility === Window.Maximized
        if (window.visibility === Window.Windowed) {
            settings.windowWidth = window.width
            settings.windowHeight = window.height
        }
    }

    ChatTransfer {
        id: transfer
        objectName: "transfer"
        store: store
        onExported: (path) => window.showNotice(qsTr("Exported to %1").arg(path), "info")
        onImported: (conversationId, title) => {
            chat.openConversation(conversationId)
            window.showNotice(qsTr("Imported “%1”").arg(title), "info")
        }
        onFailed: (message) => window.showNotice(message, "error")
    }

    // A notice of the window's own (export, import), shown when the chat has none to show.
    property string windowNotice
    property string windowNoticeKind: "info"
    function showNotice(text, kind) {
        windowNotice = text
        windowNoticeKind = kind
    }

    header: ModelBar {
        id: modelBar
        controller: modelController
        servers: servers
        onOpenRequested: openDialog.open()
        onGetModelRequested: getModelDialog.open()
        onSettingsRequested: settingsDialog.open()
        onSummarizeRequested: summarizeDialog.open()
        onNewChatRequested: window.newChat()
        onExportRequested: window.exportChat()
        onImportRequested: importDialog.open()
        onHelpRequested: shortcutsSheet.open()
        canExport: chat.currentConversationId > 0
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
            library: library
            onConversationChosen: composer.focusInput()
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            FirstStartOffer {
                Layout.fillWidth: true
                controller: getModel
                modelController: modelController
                onCatalogRequested: {
                    getModelDialog.currentTab = 0
                    getModelDialog.open()
                }
                onDownloadsRequested: getModelDialog.showDownloads()
            }
            NoticeBar {
                Layout.fillWidth: true
                text: chat.notice.length > 0 ? chat.notice
                    : window.windowNotice.length > 0 ? window.windowNotice : store.notice
                kind: chat.notice.length > 0 ? chat.noticeKind
                    : window.windowNotice.length > 0 ? window.windowNoticeKind : "warning"
                onDismissed: {
                    if (chat.notice.length > 0)
                        chat.dismissNotice()
                    else
                        window.windowNotice = ""
                }
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
        title: library.undoTitle
        onUndo: library.undoRemove()
    }

    SettingsDialog {
        id: settingsDialog
        objectName: "settingsDialog"
        settings: settings
        chat: chat
        modelController: modelController
        servers: servers
        apiServer: apiServer
    }

    GetModelDialog {
        id: getModelDialog
        controller: getModel
        popupParent: Overlay.overlay
    }

    SummarizeDialog {
        id: summarizeDialog
        documents: documents
        anchors.centerIn: parent
    }

    ShortcutsSheet {
        id: shortcutsSheet
    }

    FileDialog {
        id: exportDialog
        objectName: "exportDialog"
        title: qsTr("Export this chat")
        fileMode: FileDialog.SaveFile
        nameFilters: [qsTr("Markdown, easy to read (*.md)"), qsTr("JSON, complete: every branch, to import again (*.json)")]
        onAccepted: window.exportTo(selectedFile, selectedNameFilter.index === 1)
    }

    FileDialog {
        id: importDialog
        objectName: "importDialog"
        title: qsTr("Import a chat exported from Hearth")
        fileMode: FileDialog.OpenFile
        nameFilters: [qsTr("Hearth chat exports (*.json)"), qsTr("All files (*)")]
        onAccepted: window.importFrom(selectedFile)
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
