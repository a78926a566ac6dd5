// MessageDelegate: Markdown prose and code blocks (with a working copy button), status lines, which
// actions each role offers, and replies whose text only looks like HTML showing every character.
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

        function collectProse(item, out) {
            if (item.objectName === "replyProse")
                out.push(item)
            for (let i = 0; i < item.children.length; ++i)
                collectProse(item.children[i], out)
            return out
        }

        // What the reply's prose shows on screen, one line per prose segment.
        function visibleProse(d) {
            return collectProse(d, []).map(t => t.getText(0, t.length)).join("\n")
        }

        // Replies with no Markdown in them: what is shown is exactly what was stored.
        function test_replyShowsEveryCharacter_data() {
            let longReply = "The tokenizer puts <s> before the prompt."
            while (longReply.length < 1100)
                longReply += " Every word after the tag must still be visible on screen, and searchable."
            return [
                { tag: "<s>", text: "The tokenizer adds <s> at the start, and this stays visible." },
                { tag: "<|eot_id|>", text: "A turn ends with <|eot_id|> and nothing after it is lost." },
                { tag: "<script>", text: "Never run <script>alert(1)</script> from a reply." },
                { tag: "<div> and </b>", text: "<div>a tag at the start</div> and a </b> closing nothing." },
                { tag: "entities", text: "&amp; &lt; &#60; &nbsp; &copy; are shown as typed." },
                { tag: "unbalanced backticks", text: "A lone ` backtick and a `` pair that never closes." },
                { tag: "long reply", text: longReply }
            ]
        }

        function test_replyShowsEveryCharacter(data) {
            const d = createTemporaryObject(delegateComponent, root, { text: data.text })
            verify(d)
            compare(visibleProse(d), data.text)
        }

        // Real Markdown still renders (its syntax disappears), code keeps its characters, and the
        // words around both stay.
        function test_markdownStillRendersAroundHostileText() {
            const d = createTemporaryObject(delegateComponent, root, {
                text: "**Note:** the model writes <s> & `<|eot_id|>`.\n```html\n<s> &amp;\n```\nThen &amp; <b>." })
            verify(d)
            compare(visibleProse(d), "Note: the model writes <s> & <|eot_id|>.\nThen &amp; <b>.")
            verify(findByText(d, "<s> &amp;"), "the code block shows its text as written")
        }

        // An image in a reply is not fetched: it shows as a link, its words visible.
        function test_imageShowsAsLink() {
            const d = createTemporaryObject(delegateComponent, root, {
                text: "see ![the chart](http://127.0.0.1:9/chart.png?leak=1) here" })
            verify(d)
            compare(visibleProse(d), "see !the chart here")
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
