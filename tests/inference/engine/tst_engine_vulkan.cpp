// The Engine on the Vulkan backend, on whatever device there is (lavapipe on CI). Its own executable,
// labelled vulkan: the sanitizer run leaves Vulkan out (the driver's leaks are not ours).
#include "engine.h"
#include "engine_test_helpers.h"

#include <QJsonArray>
#include <QtTest>
#include <algorithm>

using namespace hearth;
using namespace hearth::test;

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
        const auto devices = Engine::devices();
        const bool haveVulkan
            = std::any_of(devices.begin(), devices.end(), [](const DeviceInfo& d) { return d.index >= 0; });
        if (!haveVulkan) {
            if (test::vulkanRequired()) QFAIL("HEARTH_REQUIRE_VULKAN=1 but there is no Vulkan device");
            QSKIP("no Vulkan device");
        }
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
};

QTEST_APPLESS_MAIN(TestEngineVulkan)
#include "tst_engine_vulkan.moc"
