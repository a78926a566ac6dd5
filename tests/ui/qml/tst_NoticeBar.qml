// NoticeBar: shown only with text, tells its kind by colour, and can be dismissed.
import QtQuick
import QtTest
import Hearth

Item {
    width: 600
    height: 200

    NoticeBar { id: bar; width: 600 }
    SignalSpy { id: dismissed; target: bar; signalName: "dismissed" }

    TestCase {
        name: "NoticeBar"
        when: windowShown

        function test_visibility() {
            verify(!bar.visible)
            compare(bar.implicitHeight, 0)
            bar.text = "The oldest 2 messages were left out."
            bar.kind = "warning"
            verify(bar.visible)
            verify(bar.implicitHeight > 0)
            compare(bar.color, Theme.warning)
            bar.kind = "error"
            compare(bar.color, Theme.error)
            compare(findChild(bar, "noticeText").text, bar.text)
        }
    }
}
