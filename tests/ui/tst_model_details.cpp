// The model info view's rows for files made by llama.cpp's quantizer: the type mix of each shared
// model of ../shared/README.md's "more types" table, as that README lists it (token_embd counted in
// the main type, output in Q6_K), through the real engine and the engine process's JSON, as the
// window gets them.
#include "engine.h"
#include "modeldetails.h"
#include "shared_data.h"
#include "wire.h"

#include <QLocale>
#include <QTest>
#include <algorithm>

using namespace hearth;

namespace {

QString rowValue(const QVariantList& rows, const QString& label)
{
    for (const QVariant& row : rows)
        if (row.toMap().value("label").toString() == label) return row.toMap().value("value").toString();
    return {};
}

} // namespace

class TestModelDetails : public QObject {
    Q_OBJECT

private slots:
    void typeMixAsTheReadmeLists_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QStringList>("mix"); // "TYPE ×N" entries, from ../shared/README.md
        const QString q6 = QStringLiteral("Q6_K ×1");
        QTest::newRow("q2_k") << "tiny-llama31-q2_k" << QStringList { "Q2_K ×9", "Q3_K ×4", "Q4_K ×2", q6 };
        QTest::newRow("q3_k_s") << "tiny-llama31-q3_k_s" << QStringList { "Q3_K ×15", q6 };
        QTest::newRow("q3_k_m") << "tiny-llama31-q3_k_m"
                                << QStringList { "Q3_K ×9", "Q4_K ×4", "Q5_K ×2", q6 };
        QTest::newRow("q3_k_l") << "tiny-llama31-q3_k_l" << QStringList { "Q3_K ×9", "Q5_K ×6", q6 };
        QTest::newRow("q4_k_s") << "tiny-llama31-q4_k_s" << QStringList { "Q4_K ×13", "Q5_K ×2", q6 };
        QTest::newRow("q5_k_s") << "tiny-llama31-q5_k_s" << QStringList { "Q5_K ×15", q6 };
        QTest::newRow("q4_1") << "tiny-llama31-q4_1" << QStringList { "Q4_1 ×15", q6 };
        QTest::newRow("q5_0") << "tiny-llama31-q5_0" << QStringList { "Q5_0 ×15", q6 };
        QTest::newRow("q5_1") << "tiny-llama31-q5_1" << QStringList { "Q5_1 ×15", q6 };
        QTest::newRow("iq4_nl") << "tiny-llama31-iq4_nl" << QStringList { "IQ4_NL ×13", "Q5_K ×2", q6 };
        QTest::newRow("iq4_xs") << "tiny-llama31-iq4_xs" << QStringList { "IQ4_XS ×13", "Q5_K ×2", q6 };
        QTest::newRow("iq3_s") << "tiny-llama31-iq3_s" << QStringList { "IQ3_S ×13", "Q4_K ×2", q6 };
    }

    void typeMixAsTheReadmeLists()
    {
        QFETCH(QString, model);
        QFETCH(QStringList, mix);
        Engine engine;
        LoadOptions options;
        options.modelPath = test::testdata("models/" + model + ".gguf").toStdString();
        options.backend = BackendChoice::Cpu;
        options.threads = 1;
        options.contextLength = 256;
        const Status loaded = engine.load(options);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());

        const QVariantList rows = modelDetails(engineproc::toJson(engine.info()).toVariantMap());
        QCOMPARE(rowValue(rows, "Architecture"), QString("llama"));
        QCOMPARE(rowValue(rows, "Vocabulary"), QLocale().toString(4096) + " tokens");
        QVERIFY(rowValue(rows, "Runs on").startsWith("cpu")); // "cpu (avx2)": the path its kernels take
        const QString weights = rowValue(rows, "Weights");
        // Every matrix type with its count, and nothing else but the F32 norms.
        const QStringList parts = weights.section(": ", 1).split(" · ");
        QStringList types;
        for (const QString& part : parts)
            types << part.section(" (", 0, 0);
        for (const QString& expected : mix)
            QVERIFY2(
                types.contains(expected), qPrintable(model + ": " + expected + " missing from " + weights));
        QCOMPARE(types.size(), mix.size() + 1);
        QVERIFY2(
            std::any_of(types.begin(), types.end(), [](const QString& t) { return t.startsWith("F32 ×"); }),
            qPrintable(weights));
    }
};

QTEST_GUILESS_MAIN(TestModelDetails)
#include "tst_model_details.moc"
