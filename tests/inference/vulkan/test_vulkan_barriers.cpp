// The recorder's barriers (commands.h, hazards.h): one goes before a command that reads bytes written
// since the last barrier, or writes bytes read or written since; commands on other bytes of the same
// buffer run without one. First the ranges alone, then the recorder on the device with the copy shader,
// fills and transfer copies. The same binary runs under the synchronization validation
// (test_vulkan_barriers_sync_validation), which would report a barrier left out where one was needed.
#include "shared_data.h"
#include "vk_harness.h"
#include "vulkan/hazards.h"
#include "vulkan/ops.h"

#include <QTest>
#include <numeric>

using namespace hearth;
using namespace hearth::vk;
using hearth::test::VkHarness;

Q_DECLARE_METATYPE(hearth::vk::BufferRef)

namespace {

// Two distinct handles: the ranges never look behind them.
const VkBuffer kA = reinterpret_cast<VkBuffer>(uintptr_t(0x1000));
const VkBuffer kB = reinterpret_cast<VkBuffer>(uintptr_t(0x2000));

std::vector<float> iota(size_t n, float from)
{
    std::vector<float> v(n);
    std::iota(v.begin(), v.end(), from);
    return v;
}

// Copies `bytes` from src at srcOffset to dst at dstOffset with the copy shader, binding those ranges
// (offsets aligned).
void copyShader(VkHarness& h, const Buffer& src, uint64_t srcOffset, const Buffer& dst, uint64_t dstOffset,
    uint64_t bytes)
{
    const BufferRef from { src.buffer, srcOffset, bytes }, to { dst.buffer, dstOffset, bytes };
    h.recorder->dispatch(ShaderId::copy, { from, to }, CopyPush { uint32_t(bytes / 16) }, 1);
}

} // namespace

class TestVulkanBarriers : public QObject {
    Q_OBJECT

private slots:
    void rangesConflict_data();
    void rangesConflict();
    void disjointWritesRunTogether();
    void readOfWrittenRangeWaits();
    void overlappingWritesWait();
    void writeOverReadRangeWaits();
    void fillsAndCopiesTakePart();
    void cleanupTestCase();
};

void TestVulkanBarriers::rangesConflict_data()
{
    // An earlier command's access, then the next one's: whether a barrier must go between.
    QTest::addColumn<bool>("earlierWrites");
    QTest::addColumn<BufferRef>("earlier");
    QTest::addColumn<bool>("laterWrites");
    QTest::addColumn<BufferRef>("later");
    QTest::addColumn<bool>("conflict");
    const BufferRef low { kA, 0, 256 }, high { kA, 256, 256 }, middle { kA, 128, 256 };
    const BufferRef all { kA, 0, VK_WHOLE_SIZE }, far { kA, 1 << 30, 16 }, other { kB, 0, 256 };
    QTest::newRow("write, write other bytes") << true << low << true << high << false;
    QTest::newRow("write, read other bytes") << true << low << false << high << false;
    QTest::newRow("read, write other bytes") << false << low << true << high << false;
    QTest::newRow("write, write overlapping") << true << low << true << middle << true;
    QTest::newRow("write, read overlapping") << true << middle << false << high << true;
    QTest::newRow("read, write overlapping") << false << middle << true << low << true;
    QTest::newRow("read, read the same") << false << low << false << low << false;
    QTest::newRow("write, write another buffer") << true << low << true << other << false;
    QTest::newRow("whole size runs to the end") << true << all << false << far << true;
    QTest::newRow("to the end, not before")
        << true << BufferRef { kA, 512, VK_WHOLE_SIZE } << true << low << false;
    QTest::newRow("empty range") << true << low << true << BufferRef { kA, 0, 0 } << false;
}

void TestVulkanBarriers::rangesConflict()
{
    QFETCH(bool, earlierWrites);
    QFETCH(BufferRef, earlier);
    QFETCH(bool, laterWrites);
    QFETCH(BufferRef, later);
    QFETCH(bool, conflict);
    AccessedRanges ranges;
    const std::span<const BufferRef> none, first(&earlier, 1), next(&later, 1);
    ranges.add(earlierWrites ? none : first, earlierWrites ? first : none);
    QCOMPARE(ranges.conflicts(laterWrites ? none : next, laterWrites ? next : none), conflict);
    ranges.clear(); // after a barrier nothing conflicts
    QVERIFY(!ranges.conflicts(next, next));
}

void TestVulkanBarriers::disjointWritesRunTogether()
{
    // Two products' rows of one buffer, as q and k into q|k|v: no barrier between them.
    HEARTH_VK_HARNESS(h);
    const uint64_t a = h->device->storageAlignment() * 4;
    const std::vector<float> values = iota(2 * a / 4, 1.0f);
    const Buffer src = h->upload(values), dst = h->zeros(2 * a);
    QVERIFY(h->recorder->begin().ok());
    copyShader(*h, src, 0, dst, 0, a);
    copyShader(*h, src, a, dst, a, a);
    QCOMPARE(h->recorder->dispatchWaits(), std::vector<bool>({ false, false }));
    QCOMPARE(h->recorder->barrierCount(), 0u);
    QVERIFY(h->recorder->submitAndWait().ok());
    QCOMPARE(h->recorder->barrierCount(), 1u); // the host's
    QCOMPARE(h->read<float>(dst, values.size()), values);
}

void TestVulkanBarriers::readOfWrittenRangeWaits()
{
    HEARTH_VK_HARNESS(h);
    const uint64_t a = h->device->storageAlignment() * 4;
    const std::vector<float> values = iota(a / 4, 1.0f);
    const Buffer src = h->upload(values), mid = h->zeros(2 * a), out = h->zeros(a);
    QVERIFY(h->recorder->begin().ok());
    copyShader(*h, src, 0, mid, a, a);
    copyShader(*h, mid, a, out, 0, a);
    QCOMPARE(h->recorder->dispatchWaits(), std::vector<bool>({ false, true }));
    QVERIFY(h->recorder->submitAndWait().ok());
    QCOMPARE(h->read<float>(out, values.size()), values);
}

void TestVulkanBarriers::overlappingWritesWait()
{
    // The second writes dst[a, 3a), over the second half of the first's dst[0, 2a): it must land last.
    HEARTH_VK_HARNESS(h);
    const uint64_t a = h->device->storageAlignment() * 4;
    const std::vector<float> values = iota(4 * a / 4, 1.0f);
    const Buffer src = h->upload(values), dst = h->zeros(3 * a);
    QVERIFY(h->recorder->begin().ok());
    copyShader(*h, src, 0, dst, 0, 2 * a);
    copyShader(*h, src, 2 * a, dst, a, 2 * a);
    QCOMPARE(h->recorder->dispatchWaits(), std::vector<bool>({ false, true }));
    QVERIFY(h->recorder->submitAndWait().ok());
    std::vector<float> expected(values.begin(), values.begin() + a / 4);
    expected.insert(expected.end(), values.begin() + 2 * a / 4, values.end());
    QCOMPARE(h->read<float>(dst, expected.size()), expected);
}

void TestVulkanBarriers::writeOverReadRangeWaits()
{
    // Reading dst's old values out, then overwriting them: the write waits for the read.
    HEARTH_VK_HARNESS(h);
    const uint64_t a = h->device->storageAlignment() * 4;
    const std::vector<float> before = iota(a / 4, 1.0f), after = iota(a / 4, 1000.0f);
    const Buffer dst = h->upload(before), src = h->upload(after), out = h->zeros(a);
    QVERIFY(h->recorder->begin().ok());
    copyShader(*h, dst, 0, out, 0, a);
    copyShader(*h, src, 0, dst, 0, a);
    QCOMPARE(h->recorder->dispatchWaits(), std::vector<bool>({ false, true }));
    QVERIFY(h->recorder->submitAndWait().ok());
    QCOMPARE(h->read<float>(out, before.size()), before);
    QCOMPARE(h->read<float>(dst, after.size()), after);
}

void TestVulkanBarriers::fillsAndCopiesTakePart()
{
    HEARTH_VK_HARNESS(h);
    const uint64_t a = h->device->storageAlignment() * 4;
    const Buffer buffer = h->zeros(3 * a), out = h->zeros(2 * a);
    Recorder& rec = *h->recorder;
    QVERIFY(rec.begin().ok());
    rec.fill({ buffer.buffer, 0, a }, 0x3f800000u); // 1.0f
    rec.fill({ buffer.buffer, a, a }, 0x40000000u); // 2.0f: other bytes, no barrier
    QCOMPARE(rec.barrierCount(), 0u);
    rec.copy({ buffer.buffer, 0, 2 * a }, whole(out)); // reads both fills
    QCOMPARE(rec.barrierCount(), 1u);
    rec.fill({ buffer.buffer, 2 * a, a }, 0x40400000u); // 3.0f past what the copy reads
    QCOMPARE(rec.barrierCount(), 1u);
    rec.fill({ out.buffer, 0, a }, 0); // over what the copy wrote
    QCOMPARE(rec.barrierCount(), 2u);
    QVERIFY(rec.submitAndWait().ok());
    const std::vector<float> b = h->read<float>(buffer, 3 * a / 4), o = h->read<float>(out, 2 * a / 4);
    QCOMPARE(b[0], 1.0f);
    QCOMPARE(b[a / 4], 2.0f);
    QCOMPARE(b[2 * a / 4], 3.0f);
    QCOMPARE(o[0], 0.0f);
    QCOMPARE(o[a / 4], 2.0f);
}

void TestVulkanBarriers::cleanupTestCase()
{
    // Under HEARTH_VULKAN_VALIDATION=1 the layers ran: they must have reported nothing.
    QVERIFY2(!validationLayerMissing(),
        "validation asked for, but its layer is not installed (vulkan-validationlayers)");
    QCOMPARE(validationMessageCount(), 0u);
}

QTEST_GUILESS_MAIN(TestVulkanBarriers)
#include "test_vulkan_barriers.moc"
