// Database::open: fresh files, migrations from every earlier version, newer schemas refused untouched,
// corrupt files moved aside, locked and read-only databases reported clearly.
#include "storage/conversations.h"
#include "storage/messages.h"
#include "storage/migrations.h"
#include "storage/search.h"
#include "tempdb.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <unistd.h>

using namespace hearth;
using namespace hearth::storage;
using namespace hearth::storage::test;

namespace {

// The schema as SQLite reports it, sorted: two databases with equal text have equal schemas.
std::string schemaText(sqlite3* db)
{
    std::string text;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db,
        "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY name", -1, &st,
        nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
        text += reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) + std::string("\n");
    sqlite3_finalize(st);
    return text;
}

// A database with some conversations, written through the API, then closed.
void fillDatabase(const std::string& path, int conversations, int messagesEach)
{
    Result<Database> db = Database::open(path);
    QVERIFY(db.ok());
    QVERIFY(db->exec("PRAGMA synchronous = OFF").ok()); // test data only: no fsync per message
    for (int c = 0; c < conversations; ++c) {
        Result<Conversation> conv = Conversations(*db).create("conversation " + std::to_string(c));
        QVERIFY(conv.ok());
        for (int m = 0; m < messagesEach; ++m) {
            QVERIFY(Messages(*db)
                        .appendUser(conv->id,
                            "question " + std::to_string(m) + " about lighthouses and the long winter sea")
                        .ok());
        }
    }
}

} // namespace

class DatabaseTest : public QObject {
    Q_OBJECT

private slots:
    void createsFreshDatabase()
    {
        TempDb temp;
        Result<Database> db = Database::open(temp.dbPath());
        QVERIFY2(db.ok(), db.ok() ? "" : db.error().message.c_str());
        QCOMPARE(db->openReport().fromVersion, 0);
        QCOMPARE(db->openReport().toVersion, kSchemaVersion);
        QVERIFY(db->openReport().created);
        QVERIFY(db->openReport().corruptCopyPath.empty());
        QCOMPARE(openNotice(db->openReport()), std::string());
        QCOMPARE(db->schemaVersion(), kSchemaVersion);
        QCOMPARE(scalar(db->handle(), "PRAGMA journal_mode"), std::string("wal"));
        QCOMPARE(scalar(db->handle(), "PRAGMA foreign_keys"), std::string("1"));
        QCOMPARE(scalar(db->handle(), "PRAGMA synchronous"), std::string("2")); // FULL
        QCOMPARE(*db->integrityCheck(), std::string("ok"));
    }

    void reopenKeepsData()
    {
        TempDb temp;
        fillDatabase(temp.dbPath(), 3, 2);
        Database db = temp.open();
        QVERIFY(!db.openReport().created);
        QCOMPARE(db.openReport().fromVersion, kSchemaVersion);
        QCOMPARE(*Conversations(db).count(), std::int64_t(3));
    }

    // A database built with exactly the SQL of versions 1..v (as an older Hearth wrote it), holding
    // data, is migrated to the current schema: data kept, schema identical to a fresh database's,
    // and old messages searchable (the FTS index is back-filled).
    void migratesFromEveryEarlierVersion_data()
    {
        QTest::addColumn<int>("version");
        for (int v = 0; v < kSchemaVersion; ++v)
            QTest::addRow("v%d", v) << v;
    }
    void migratesFromEveryEarlierVersion()
    {
        QFETCH(int, version);
        TempDb temp;
        sqlite3* raw = nullptr;
        QCOMPARE(sqlite3_open(temp.dbPath().c_str(), &raw), SQLITE_OK);
        QCOMPARE(runMigrations(raw, 0, version), std::string());
        QCOMPARE(scalar(raw, "PRAGMA user_version"), std::to_string(version));
        if (version >= 1) {
            // v1 rows: a conversation, a question, a finished answer and a reply left streaming.
            std::string sql
                = "INSERT INTO conversations (id, title, created_at, updated_at, current_leaf_id) VALUES (1, "
                  "'old', 1, 2, 3);"
                  "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at, "
                  "updated_at)"
                  "  VALUES (1, 1, NULL, 'user', 'tell me about lighthouses', 'complete', 1, 1),"
                  "         (2, 1, 1, 'assistant', 'lighthouses guide ships', 'complete', 2, 2),"
                  "         (3, 1, 1, 'assistant', 'a second lighthouse answer', 'streaming', 3, 3);"
                  "INSERT INTO settings (key, value) VALUES ('theme', 'dark');";
            QCOMPARE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        }
        sqlite3_close(raw);

        Result<Database> db = Database::open(temp.dbPath());
        QVERIFY2(db.ok(), db.ok() ? "" : db.error().message.c_str());
        QCOMPARE(db->openReport().fromVersion, version);
        QCOMPARE(db->schemaVersion(), kSchemaVersion);
        QCOMPARE(*db->integrityCheck(), std::string("ok"));

        TempDb fresh;
        Database freshDb = fresh.open();
        QCOMPARE(schemaText(db->handle()), schemaText(freshDb.handle()));

        if (version >= 1) {
            QCOMPARE(db->openReport().interruptedReplies, 1);
            QVERIFY(openNotice(db->openReport()).find("1 reply was interrupted") != std::string::npos);
            Result<std::vector<Message>> thread = Messages(*db).thread(1);
            QVERIFY(thread.ok());
            QCOMPARE(thread->size(), size_t(2));
            QCOMPARE(thread->back().status, MessageStatus::Interrupted);
            QCOMPARE(thread->back().siblingCount, 2);
            // All three messages are found, the interrupted one included (indexed when recovered).
            Result<std::vector<SearchHit>> hits = searchMessages(*db, "lighthouses");
            QVERIFY(hits.ok());
            QCOMPARE(hits->size(), size_t(2));
            QCOMPARE(searchMessages(*db, "second")->size(), size_t(1));
        }
    }

    void newerVersionIsRefusedAndUntouched()
    {
        TempDb temp;
        fillDatabase(temp.dbPath(), 2, 2);
        sqlite3* raw = nullptr;
        QCOMPARE(sqlite3_open(temp.dbPath().c_str(), &raw), SQLITE_OK);
        std::string bump = "PRAGMA user_version = " + std::to_string(kSchemaVersion + 1);
        QCOMPARE(sqlite3_exec(raw, bump.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
        QVERIFY(!QFileInfo::exists(QString::fromStdString(temp.dbPath() + "-wal")));
        QByteArray before = fileBytes(temp.dbPath());
        QVERIFY(!before.isEmpty());

        Result<Database> db = Database::open(temp.dbPath());
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, ErrorCode::Unsupported);
        QVERIFY2(db.error().message.find("newer version") != std::string::npos, db.error().message.c_str());
        QCOMPARE(fileBytes(temp.dbPath()), before);
        QVERIFY(!QFileInfo::exists(QString::fromStdString(temp.dbPath() + "-wal"))
            || QFileInfo(QString::fromStdString(temp.dbPath() + "-wal")).size() == 0);
    }

    // Random bytes over the headers of a few pages of a real database (or over the file header):
    // detected at open, the damaged file moved aside byte for byte, a fresh database in its place.
    void corruptFileIsMovedAside_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::addColumn<bool>("fileHeader");
        for (quint32 seed = 1; seed <= 6; ++seed)
            QTest::addRow("pages-seed%u", seed) << seed << false;
        QTest::addRow("file-header") << quint32(99) << true;
    }
    void corruptFileIsMovedAside()
    {
        QFETCH(quint32, seed);
        QFETCH(bool, fileHeader);
        TempDb temp;
        fillDatabase(temp.dbPath(), 40, 10);
        QByteArray bytes = fileBytes(temp.dbPath());
        const int pageSize = 4096;
        int pages = int(bytes.size() / pageSize);
        QVERIFY(pages > 10);
        QRandomGenerator random(seed);
        auto scribble = [&](qsizetype at, int count) {
            for (int i = 0; i < count; ++i)
                bytes[at + i] = char(random.bounded(256));
        };
        if (fileHeader) {
            scribble(0, 100);
        } else {
            for (int k = 0; k < 3; ++k)
                scribble(qsizetype(1 + random.bounded(pages - 1)) * pageSize, 64);
        }
        {
            QFile file(QString::fromStdString(temp.dbPath()));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(bytes);
        }

        Result<Database> db = Database::open(temp.dbPath());
        QVERIFY2(db.ok(), db.ok() ? "" : db.error().message.c_str());
        const OpenReport& report = db->openReport();
        QVERIFY2(!report.corruptCopyPath.empty(), "corruption was not detected");
        QVERIFY(report.corruptCopyPath.find(temp.dbPath() + ".corrupt-") == 0);
        QVERIFY(!report.corruptDetail.empty());
        QCOMPARE(fileBytes(report.corruptCopyPath), bytes); // kept exactly as found
        QVERIFY(
            openNotice(report).find(report.corruptCopyPath) != std::string::npos); // the user is told where
        QVERIFY(report.created);
        QCOMPARE(*Conversations(*db).count(), std::int64_t(0));
        QCOMPARE(*db->integrityCheck(), std::string("ok"));
        QVERIFY(Conversations(*db).create("new life").ok());
    }

    void corruptFileWithoutRecoveryIsAnError()
    {
        TempDb temp;
        fillDatabase(temp.dbPath(), 1, 1);
        QFile file(QString::fromStdString(temp.dbPath()));
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.write(QByteArray(100, 'x'));
        file.close();
        QByteArray before = fileBytes(temp.dbPath());
        OpenOptions options;
        options.recoverCorrupt = false;
        Result<Database> db = Database::open(temp.dbPath(), options);
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, ErrorCode::BadFormat);
        QVERIFY(db.error().message.find("corrupt") != std::string::npos);
        QCOMPARE(fileBytes(temp.dbPath()), before);
    }

    // Another program holds the write lock: open (and a write on an open database) say "locked".
    void lockedDatabaseIsReported()
    {
        TempDb temp;
        fillDatabase(temp.dbPath(), 1, 1);
        Database mine = temp.open();
        sqlite3* other = nullptr;
        QCOMPARE(sqlite3_open(temp.dbPath().c_str(), &other), SQLITE_OK);
        QCOMPARE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

        OpenOptions options;
        options.busyTimeoutMs = 50;
        Result<Database> db = Database::open(temp.dbPath(), options);
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, ErrorCode::Io);
        QVERIFY2(db.error().message.find("locked") != std::string::npos, db.error().message.c_str());

        sqlite3_busy_timeout(mine.handle(), 50);
        Result<Conversation> created = Conversations(mine).create("blocked");
        QVERIFY(!created.ok());
        QVERIFY2(
            created.error().message.find("locked") != std::string::npos, created.error().message.c_str());

        sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
        sqlite3_close(other);
        QVERIFY(Conversations(mine).create("free again").ok());
        QVERIFY(Database::open(temp.dbPath(), options).ok());
    }

    void readOnlyDatabaseIsReported()
    {
        TempDb temp;
        fillDatabase(temp.dbPath(), 1, 1);
        OpenOptions options;
        options.readOnly = true;
        Result<Database> db = Database::open(temp.dbPath(), options);
        QVERIFY2(db.ok(), db.ok() ? "" : db.error().message.c_str());
        QCOMPARE(*Conversations(*db).count(), std::int64_t(1));
        Result<Conversation> created = Conversations(*db).create("nope");
        QVERIFY(!created.ok());
        QVERIFY2(
            created.error().message.find("read-only") != std::string::npos, created.error().message.c_str());

        // A file the user may not write (root may write anything, so only as an ordinary user).
        if (geteuid() != 0) {
            QFile::setPermissions(QString::fromStdString(temp.dbPath()), QFile::ReadOwner);
            Result<Database> rw = Database::open(temp.dbPath());
            QVERIFY(!rw.ok());
            QVERIFY2(rw.error().message.find("read-only") != std::string::npos, rw.error().message.c_str());
        }
    }

    void missingFileReadOnlyIsNotFound()
    {
        TempDb temp;
        OpenOptions options;
        options.readOnly = true;
        Result<Database> db = Database::open(temp.dbPath(), options);
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, ErrorCode::FileNotFound);
    }

    void unwritableFolderIsAnError()
    {
        Result<Database> db = Database::open("/nonexistent-folder/hearth.db");
        QVERIFY(!db.ok());
        QVERIFY(!db.error().message.empty());
    }
};

QTEST_GUILESS_MAIN(DatabaseTest)
#include "tst_database.moc"
