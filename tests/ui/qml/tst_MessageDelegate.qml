// MessageDelegate: Markdown prose and code blocks (with a working copy button), status lines, and
// which actions each role offers.
import QtQuick
import QtTest
import Hearth

Item {
    id: root
    width: 800
    height: 600

    ChatController { id: chatController }

    Component {
        id: delegateComponent
        MessageDelegate {
            width: 760
            chat: chatController
            index: 0
            messageId: 1
            role: "assistant"
            text: "Here is code:\n```python\nprint('hi')\n```\nDone."
            status: "complete"
            error: ""
            tokensPerSecond: 12.5
            completionTokens: 48
            siblingIndex: 0
            siblingCount: 2
        }
    }

    TestCase {
        name: "MessageDelegate"
        when: windowShown

        function findByText(item, text) {
            if (item.text === text)
                return item
            for (let i = 0; i < item.children.length; ++i) {
                const found = findByText(item.children[i], text)
                if (found)
                    return found
            }
            return null
        }

        function test_codeBlockAndCopy() {
            const d = createTemporaryObject(delegateComponent, root)
            verify(d)
            const copy = findChild(d, "copyCodeButton")
            verify(copy, "a code block with a copy button")
            mouseClick(copy)
            compare(TextTools.clipboardText(), "print('hi')")
            verify(findByText(d, "1/2"), "alternative switcher shows 1/2")
            verify(findByText(d, "Regenerate"))
            verify(d.height > 60)
        }

        function test_statusLines() {
            const d = createTemporaryObject(delegateComponent, root, { status: "interrupted", error: "The engine stopped unexpectedly." })
            compare(findChild(d, "statusLabel").text, "Interrupted — The engine stopped unexpectedly.")
            d.error = "Stopped"
            compare(findChild(d, "statusLabel").text, "Stopped")
            d.status = "failed"
            d.error = "out of memory"
            compare(findChild(d, "statusLabel").text, "Failed — out of memory")
        }

        function test_userMessageIsPlainWithEdit() {
            const d = createTemporaryObject(delegateComponent, root, { role: "user", text: "**not bold**", siblingCount: 1 })
            verify(findByText(d, "**not bold**"), "user text shown exactly as typed")
            verify(findByText(d, "Edit").visible)
            verify(!findByText(d, "Regenerate").visible)
            verify(!findChild(d, "copyCodeButton"))
        }
    }
}
