// Malformed GGUF files, assembled in memory: each must be rejected with its own clear message
// (naming the byte offset), and none may crash or read outside the bytes.
#include "gguf/gguf.h"
#include "gguf_builder.h"

#include <QtTest>

using namespace hearth;
using hearth::test::GgufBuilder;

namespace {

// A small valid file: two metadata keys, one F32 tensor [8, 2] and one Q8_0 tensor [32].
GgufBuilder validFile()
{
    GgufBuilder b;
    b.header(2, 2).kvString("general.architecture", "llama").kvU32("llama.block_count", 2);
    b.tensor("a.weight", { 8, 2 }, 0, 0).tensor("b.weight", { 32 }, 8, 64);
    b.data(64 + 34);
    return b;
}

QString errorOf(const std::vector<uint8_t>& bytes)
{
    auto file = GgufFile::fromBytes(bytes);
    return file ? QString() : QString::fromStdString(file.error().message);
}

} // namespace

class TestGgufInvalid : public QObject {
    Q_OBJECT

private slots:
    void validFileOpens();
    void truncatedAnywhere();
    void rejected_data();
    void rejected();
    void nestedArrays();
};

void TestGgufInvalid::validFileOpens()
{
    const auto bytes = validFile().bytes;
    auto file = GgufFile::fromBytes(bytes);
    QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
    QCOMPARE((*file)->tensors().size(), size_t(2));
    QCOMPARE((*file)->tensor("b.weight")->byteSize, uint64_t(34));
    QCOMPARE((*file)->getUint("llama.block_count"), std::optional<uint64_t>(2));
}

void TestGgufInvalid::truncatedAnywhere()
{
    // Every prefix of a valid file is rejected (the last tensor's data no longer fits) — never a crash —
    // and the message says first, in words, what most such files are: an incomplete download; the
    // byte offset and the numbers follow.
    const auto bytes = validFile().bytes;
    for (size_t n = 0; n < bytes.size(); ++n) {
        const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + n);
        const QString error = errorOf(prefix);
        QVERIFY2(!error.isEmpty(), qPrintable(QStringLiteral("prefix of %1 bytes accepted").arg(n)));
        QVERIFY2(error.startsWith(QStringLiteral("the file ends early")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("probably an incomplete download; download it again")),
            qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("(byte ")), qPrintable(error));
    }
}

void TestGgufInvalid::rejected_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    auto add = [](const char* name, const GgufBuilder& b, const char* expected) {
        QTest::newRow(name) << QByteArray(
            reinterpret_cast<const char*>(b.bytes.data()), qsizetype(b.bytes.size()))
                            << QString::fromUtf8(expected);
    };
    {
        GgufBuilder b = validFile();
        b.bytes[0] = 'X';
        add("bad magic", b, "byte 0: bad magic");
    }
    add("version 1", GgufBuilder().header(0, 0, 1), "byte 4: GGUF version 1 is obsolete");
    add("version 4", GgufBuilder().header(0, 0, 4), "byte 4: unsupported GGUF version 4");
    add("big endian", GgufBuilder().header(0, 0, 0x03000000), "big-endian");
    add("huge tensor count", GgufBuilder().header(uint64_t(1) << 62, 0),
        "byte 8: tensor count 4611686018427387904 cannot fit");
    add("huge metadata count", GgufBuilder().header(0, ~uint64_t(0)),
        "byte 16: metadata count 18446744073709551615 cannot fit");
    add("huge key length", GgufBuilder().header(0, 1).u64(~uint64_t(0)).u32(4).u32(1),
        "byte 24: a metadata key length 18446744073709551615 exceeds");
    add("huge string value", GgufBuilder().header(0, 1).str("k").u32(8).u64(uint64_t(1) << 40).u64(0),
        "byte 37: a string value length 1099511627776 exceeds");
    add("huge array", GgufBuilder().header(0, 1).str("k").u32(9).u32(4).u64(uint64_t(1) << 61).u64(0),
        "array length 2305843009213693952 cannot fit");
    add("unknown value type", GgufBuilder().header(0, 1).str("k").u32(13).u32(0),
        "byte 33: unknown metadata value type 13");
    add("bad bool", GgufBuilder().header(0, 1).str("k").u32(7).u8(2).u32(0),
        "bool value 2 is neither 0 nor 1");
    add("duplicate key", GgufBuilder().header(0, 2).kvU32("k", 1).kvU32("k", 2),
        "duplicate metadata key 'k'");
    add("alignment not power of two", GgufBuilder().header(0, 1).kvU32("general.alignment", 48),
        "general.alignment 48 is not a power of two");
    add("alignment wrong type", GgufBuilder().header(0, 1).kvString("general.alignment", "32"),
        "general.alignment is not a uint32");
    add("offset out of range", GgufBuilder().header(1, 0).tensor("t", { 8 }, 0, 4096).data(32),
        "tensor 't' data (offset 4096, 32 bytes) lies outside");
    add("offset overflow", GgufBuilder().header(1, 0).tensor("t", { 8 }, 0, ~uint64_t(0) - 31).data(32),
        "lies outside");
    add("overlap", GgufBuilder().header(2, 0).tensor("t", { 16 }, 0, 0).tensor("u", { 8 }, 0, 32).data(96),
        "tensors 't' and 'u' overlap");
    add("misaligned", GgufBuilder().header(1, 0).tensor("t", { 8 }, 0, 4).data(64),
        "tensor 't' offset 4 is not a multiple of the alignment 32");
    add("unknown type 99", GgufBuilder().header(1, 0).tensor("t", { 8 }, 99, 0).data(32),
        "tensor 't' has unknown type 99");
    add("unsupported IQ3_XXS", GgufBuilder().header(1, 0).tensor("t", { 256 }, 18, 0).data(98),
        "tensor 't' has type IQ3_XXS, which Hearth does not support");
    add("unsupported IQ2_XXS", GgufBuilder().header(1, 0).tensor("t", { 256 }, 16, 0).data(66),
        "tensor 't' has type IQ2_XXS, which Hearth does not support; download this model as Q4_K_M");
    add("five dims", GgufBuilder().header(1, 0).tensor("t", { 1, 1, 1, 1, 1 }, 0, 0).data(32),
        "tensor 't' has 5 dimensions (1 to 4 allowed)");
    add("zero dims", GgufBuilder().header(1, 0).tensor("t", {}, 0, 0).data(32),
        "tensor 't' has 0 dimensions");
    add("zero size", GgufBuilder().header(1, 0).tensor("t", { 8, 0 }, 0, 0).data(32),
        "dimension 1 of size 0");
    add("shape overflow",
        GgufBuilder().header(1, 0).tensor("t", { uint64_t(1) << 32, uint64_t(1) << 32 }, 0, 0).data(32),
        "tensor 't': element count overflows");
    add("byte size overflow", GgufBuilder().header(1, 0).tensor("t", { uint64_t(1) << 62 }, 0, 0).data(32),
        "tensor 't': byte size overflows");
    add("row not whole blocks", GgufBuilder().header(1, 0).tensor("t", { 33 }, 2, 0).data(64),
        "row length 33 is not a multiple of the Q4_0 block size 32");
    add("duplicate tensor",
        GgufBuilder().header(2, 0).tensor("t", { 8 }, 0, 0).tensor("t", { 8 }, 0, 32).data(64),
        "duplicate tensor name 't'");
}

void TestGgufInvalid::rejected()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const std::vector<uint8_t> data(bytes.begin(), bytes.end());
    const QString error = errorOf(data);
    QVERIFY2(!error.isEmpty(), "accepted");
    QVERIFY2(error.contains(expected), qPrintable(QStringLiteral("got: ") + error));
}

void TestGgufInvalid::nestedArrays()
{
    // Arrays of arrays are legal up to the depth limit; deeper is rejected before recursing further.
    GgufBuilder ok;
    ok.header(0, 1).str("k").u32(9).u32(9).u64(1).u32(4).u64(2).u32(7).u32(8);
    auto file = GgufFile::fromBytes(ok.bytes);
    QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
    const GgufArray* outer = (*file)->getArray("k");
    QVERIFY(outer && outer->values.size() == 1);
    GgufBuilder deep;
    deep.header(0, 1).str("k").u32(9);
    for (int i = 0; i < 100; ++i)
        deep.u32(9).u64(1);
    deep.u32(4).u64(0);
    QVERIFY(errorOf(deep.bytes).contains(QStringLiteral("nested deeper than")));
}

QTEST_GUILESS_MAIN(TestGgufInvalid)
#include "test_gguf_invalid.moc"
