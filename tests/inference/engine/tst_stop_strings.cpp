// StopStringFilter: a marker split across pieces is never shown; near-misses are shown in full.
#include "engine/stop_strings.h"

#include <QtTest>

using namespace hearth;

class TestStopStrings : public QObject {
    Q_OBJECT

private slots:
    void markerAcrossPieces()
    {
        StopStringFilter filter({ "\nUser:" });
        bool stopped = false;
        QCOMPARE(filter.push("Hello", stopped), std::string("Hello"));
        QVERIFY(!stopped);
        QCOMPARE(filter.push(" there.\nUs", stopped), std::string(" there.")); // "\nUs" held back
        QVERIFY(!stopped);
        QCOMPARE(filter.push("er: more", stopped), std::string());
        QVERIFY(stopped);
    }

    void nearMissIsReleased()
    {
        StopStringFilter filter({ "\nUser:" });
        bool stopped = false;
        QCOMPARE(filter.push("a\nUse", stopped), std::string("a"));
        QCOMPARE(filter.push("ful", stopped), std::string("\nUseful"));
        QCOMPARE(filter.push("\n", stopped), std::string());
        QCOMPARE(filter.flush(), std::string("\n"));
        QVERIFY(!stopped);
    }

    void markerInOnePiece()
    {
        StopStringFilter filter({ "\nUser:" });
        bool stopped = false;
        QCOMPARE(filter.push("Done.\nUser: next", stopped), std::string("Done."));
        QVERIFY(stopped);
    }

    void noMarkers()
    {
        StopStringFilter filter({});
        bool stopped = true;
        QCOMPARE(filter.push("\nUser:", stopped), std::string("\nUser:"));
        QVERIFY(!stopped);
    }
};

QTEST_APPLESS_MAIN(TestStopStrings)
#include "tst_stop_strings.moc"
