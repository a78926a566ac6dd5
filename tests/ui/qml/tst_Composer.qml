// Composer: blocked with a reason until a model is loaded; Enter sends, Shift+Enter breaks the line;
// while another chat is being written, Send is disabled with that chat named and the text kept.
import QtQuick
import QtTest
import Hearth

Item {
    id: root
    width: 700
    height: 500

    Store { id: store; path: AppOptions.databasePath }
    EngineClient { id: engine; program: AppOptions.enginePath }
    SettingsController { id: settings; store: store; maxTokens: 3 }
    ModelController { id: model; engine: engine; settings: settings; store: store }
    LibraryController { id: library; store: store }
    ChatController { id: chat; library: library; store: store; engine: engine; settings: settings; model: model }

    Composer {
        id: composer
        width: parent.width
        chat: chat
    }

    SignalSpy { id: finished; target: chat; signalName: "replyFinished" }

    TestCase {
        name: "Composer"
        when: windowShown

        function test_1_blockedWithReason() {
            tryVerify(() => store.ready)
            verify(!chat.canSend)
            const reason = findChild(composer, "blockedReason")
            verify(reason.visible)
            verify(reason.text.indexOf("No model") >= 0, reason.text)
            verify(!findChild(composer, "sendButton").enabled)
        }

        function test_2_enterSendsShiftEnterBreaks() {
            engine.start()
            model.open(AppOptions.startModel)
            tryVerify(() => chat.canSend, 10000)
            composer.focusInput()
            const input = findChild(composer, "composerInput")
            keyClick(Qt.Key_H)
            keyClick(Qt.Key_I)
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            keyClick(Qt.Key_X)
            compare(input.text, "hi\nx")
            compare(chat.messages.count, 0)
            keyClick(Qt.Key_Return)
            compare(input.text, "")
            finished.wait(10000)
            compare(chat.messages.count, 2)
            verify(findChild(composer, "sendButton").visible)
        }

        function test_3_emptyDoesNotSend() {
            composer.focusInput()
            keyClick(Qt.Key_Space)
            keyClick(Qt.Key_Return)
            wait(100)
            compare(chat.messages.count, 2)
        }

        function test_4_anotherChatWritingIsNamed() {
            settings.maxTokens = 20000
            chat.newConversation()
            verify(chat.send("a very long story"))
            tryVerify(() => chat.writingHere)
            verify(findChild(composer, "stopButton").visible)
            verify(!findChild(composer, "sendButton").visible)
            const written = chat.writingConversationId

            chat.newConversation()
            const input = findChild(composer, "composerInput")
            input.text = "kept while waiting"
            const send = findChild(composer, "sendButton")
            verify(send.visible, "Send, not Stop, in a chat that is not being written")
            verify(!send.enabled)
            verify(!findChild(composer, "stopButton").visible)
            const reason = findChild(composer, "blockedReason")
            verify(reason.visible)
            verify(reason.text.indexOf("a very long story") >= 0, reason.text)
            verify(findChild(composer, "showWritingButton").visible)
            composer.submit()
            compare(input.text, "kept while waiting")
            compare(chat.messages.count, 0)

            const show = findChild(composer, "showWritingButton")
            waitForRendering(composer)  // the button has just been laid out
            mouseClick(show)
            tryCompare(chat, "currentConversationId", written)
            verify(chat.writingHere)
            chat.stop()
            finished.wait(10000)
            verify(chat.canSend)
            verify(findChild(composer, "sendButton").enabled)
            compare(input.text, "kept while waiting")
        }
    }
}
