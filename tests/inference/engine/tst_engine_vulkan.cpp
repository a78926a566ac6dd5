// The Engine on the Vulkan backend, on whatever device there is (lavapipe on CI). Its own executable,
// labelled vulkan: the sanitizer run leaves Vulkan out (the driver's leaks are not ours).
#include "engine.h"
#include "engine_test_helpers.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>

using namespace hearth;
using namespace hearth::test;

namespace {
bool haveVulkanDevice()
{
    const auto devices = Engine::devices();
    return std::any_of(devices.begin(), devices.end(), [](const DeviceInfo& d) { return d.index >= 0; });
}
} // namespace

// Fails (HEARTH_REQUIRE_VULKAN=1, as in CI) or skips the test function when there is no device.
#define REQUIRE_VULKAN_DEVICE()                                                                              \
    do {                                                                                                     \
        if (haveVulkanDevice()) break;                                                                       \
        if (test::vulkanRequired()) QFAIL("HEARTH_REQUIRE_VULKAN=1 but there is no Vulkan device");          \
        QSKIP("no Vulkan device");                                                                           \
    } while (false)

class TestEngineVulkan : public QObject {
    Q_OBJECT

private slots:
    void devicesListed()
    {
        const auto devices = Engine::devices();
        QVERIFY(!devices.empty());
        QCOMPARE(devices.back().type, std::string("cpu")); // the CPU is always there, last
    }

    // The same through the Vulkan backend, on whatever device there is (lavapipe on CI).
    void storiesReferenceContinuationVulkan()
    {
        REQUIRE_VULKAN_DEVICE();
        const QJsonObject ref = reference("stories260K");
        auto engine = loadEngine("stories260K", 0, BackendChoice::Vulkan);
        QVERIFY(engine);
        QCOMPARE(engine->info().backend, std::string("vulkan"));
        GenerateRequest request;
        request.useChat = false;
        request.rawPrompt = ref["prompt"].toString().toStdString();
        request.sampler = greedy();
        request.maxTokens = static_cast<uint32_t>(ref["greedy_tokens"].toArray().size());
        const Run r = run(*engine, request);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(QString::fromStdString(r.text), ref["greedy_text"].toString());
        // A second turn on the device reuses its KV cache too.
        const Run again = run(*engine, request);
        QCOMPARE(again.stats.reusedTokens, again.stats.promptTokens - 1);
        QCOMPARE(again.text, r.text);
    }

    // What the app asks for: tuning on the first load of a model on the device, with progress, the
    // choices remembered in the cache folder; the tuned kernels still write llama.cpp's continuation;
    // the next load takes the choices from the file without timing anything.
    void tuningOnTheFirstLoadRemembered()
    {
        REQUIRE_VULKAN_DEVICE();
        QTemporaryDir cache;
        const QJsonObject ref = reference("stories260K");
        int progressCalls = 0;
        LoadOptions options;
        options.modelPath = test::testdata("models/stories260K.gguf").toStdString();
        options.backend = BackendChoice::Vulkan;
        options.pipelineCacheDir = cache.path().toStdString();
        options.tuneKernels = true;
        options.tuningProgress = [&](float) { ++progressCalls; };

        Engine first;
        const Status loaded = first.load(options);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        QVERIFY(progressCalls > 0);
        QVERIFY(QFileInfo(cache.filePath("kernel-tuning.txt")).size() > 0);
        GenerateRequest request;
        request.useChat = false;
        request.rawPrompt = ref["prompt"].toString().toStdString();
        request.sampler = greedy();
        request.maxTokens = static_cast<uint32_t>(ref["greedy_tokens"].toArray().size());
        const Run r = run(first, request);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(QString::fromStdString(r.text), ref["greedy_text"].toString());

        progressCalls = 0;
        Engine second;
        QVERIFY(second.load(options).ok());
        QCOMPARE(progressCalls, 0);
    }
};

QTEST_APPLESS_MAIN(TestEngineVulkan)
#include "tst_engine_vulkan.moc"
