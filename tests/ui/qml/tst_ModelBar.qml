// ModelBar after a load that does not fit the GPU: the error is shown whole with its two ways out,
// a smaller context (then the engine's notice says which) or the CPU, each in one click. The fake
// engine's GPU holds 1024 positions (tests/app/fakeinference.h). A load that fails while a model is
// loaded keeps that model, says so beside it, and can be dismissed.
import QtQuick
import QtTest
import Hearth

Item {
    id: root
    width: 1000
    height: 200

    Store { id: store; path: AppOptions.databasePath }
    EngineClient { id: engine; program: AppOptions.enginePath }
    SettingsController { id: settings; store: store }
    ModelController { id: model; engine: engine; settings: settings; store: store }

    ModelBar {
        id: bar
        width: parent.width
        controller: model
    }

    property bool sawTuning: false
    Connections {
        target: model
        function onProgressChanged() { if (model.tuning) root.sawTuning = true }
    }

    TestCase {
        name: "ModelBar"
        when: windowShown

        function failToFit(stateAfter) {
            tryVerify(() => store.ready)
            settings.backend = "vulkan"
            settings.contextSize = 4096
            settings.tuneKernels = false // test 4's subject
            model.open(AppOptions.startModel)
            tryVerify(() => model.error.length > 0, 10000)
            compare(model.state, stateAfter)
            const error = findChild(bar, "loadError")
            verify(error.visible)
            verify(error.text.indexOf("try a context of 1024") >= 0, error.text)
            const fit = findChild(bar, "fitContextButton")
            const cpu = findChild(bar, "cpuLoadButton")
            verify(fit.visible)
            verify(cpu.visible)
            // The row has just appeared: click only once it is laid out, the two buttons side by side.
            tryVerify(() => fit.width > 0 && fit.x + fit.width <= cpu.x)
        }

        function test_1_smallerContext() {
            engine.start()
            failToFit("error")
            verify(!findChild(bar, "dismissLoadError").visible)
            mouseClick(findChild(bar, "fitContextButton"))
            tryCompare(model, "state", "loaded", 10000)
            compare(model.info.contextLength, 1024)
            compare(model.info.backend, "vulkan")
            const notice = findChild(bar, "modelNoticeLine")
            verify(notice.visible)
            verify(notice.text.indexOf("The context is 1024 tokens, not 4096") >= 0, notice.text)
            // In full behind "Details".
            mouseClick(findChild(bar, "modelNoticeDetails"))
            tryVerify(() => findChild(bar, "modelNoticePopup").opened)
            verify(findChild(bar, "modelNotices").all.join("\n").indexOf("The context is 1024 tokens, not 4096") >= 0)
            findChild(bar, "modelNoticePopup").close()
            verify(!findChild(bar, "fitContextButton").visible)
            verify(!findChild(bar, "cpuLoadButton").visible)
            // For that load only: the settings still ask for 4096 on the GPU.
            compare(settings.contextSize, 4096)
            compare(settings.backend, "vulkan")
        }

        function test_2_cpu() {
            // The model of test 1 (1024 positions on the GPU) stays loaded, named on the line above.
            failToFit("loaded")
            compare(model.info.contextLength, 1024)
            compare(model.info.backend, "vulkan")
            verify(findChild(bar, "loadError").text.indexOf("is still loaded") >= 0)
            verify(findChild(bar, "dismissLoadError").visible)
            mouseClick(findChild(bar, "cpuLoadButton"))
            tryCompare(model, "state", "loaded", 10000)
            compare(model.info.backend, "cpu")
            compare(model.info.contextLength, 4096)
            compare(settings.backend, "vulkan")
        }

        function test_3_noOfferOnTheCpu() {
            // A load on the CPU that fails (a file that is not there) offers neither; the model of
            // test 2 stays loaded, and the failure can be dismissed.
            settings.backend = "cpu"
            model.open(AppOptions.startModel + ".missing.gguf")
            tryVerify(() => model.error.length > 0, 10000)
            compare(model.state, "loaded")
            const error = findChild(bar, "loadError")
            verify(error.visible)
            verify(!findChild(bar, "fitContextButton").visible)
            verify(!findChild(bar, "cpuLoadButton").visible)
            const dismiss = findChild(bar, "dismissLoadError")
            tryVerify(() => dismiss.width > 0 && dismiss.x > error.x + error.width - 1)
            mouseClick(dismiss)
            compare(model.error, "")
            verify(!error.visible)
            compare(model.state, "loaded")
        }

        function test_4_tuningOnTheFirstGpuLoad() {
            // The first load of a model on the GPU tunes the kernels and says so; a reload of the
            // same model there does not (the engine remembers). The fake's tuning takes 0.3 s.
            settings.backend = "vulkan"
            settings.contextSize = 512
            settings.tuneKernels = true
            root.sawTuning = false
            model.open(AppOptions.startModel)
            tryVerify(() => findChild(bar, "modelName").text.indexOf("Tuning for your GPU") >= 0, 10000)
            tryCompare(model, "state", "loaded", 10000)
            verify(root.sawTuning)
            verify(findChild(bar, "modelName").text.indexOf("Tuning") < 0)
            root.sawTuning = false
            model.reload()
            tryCompare(model, "state", "loaded", 10000)
            verify(!root.sawTuning)
        }
    }
}
