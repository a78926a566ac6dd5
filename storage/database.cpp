// Opening Hearth's database: refuse newer schemas untouched, detect corruption and move the file aside,
// migrate, and recover replies that were streaming when the app died. See database.h for the order.
#include "storage/database.h"

#include "storage/messages.h"
#include "storage/migrations.h"
#include "storage/statement.h"

#include <ctime>
#include <filesystem>
#include <sqlite3.h>
#include <system_error>
#include <utility>

namespace fs = std::filesystem;

namespace hearth::storage {

namespace {

bool isCorruptCode(int rc)
{
    int primary = rc & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

std::string timestampNow()
{
    std::time_t now = std::time(nullptr);
    std::tm utc {};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &utc);
    return text;
}

// What a single-value PRAGMA returns, with the SQLite result code of the attempt.
struct PragmaValue {
    int rc = SQLITE_OK;
    std::string text;
};

PragmaValue pragmaValue(sqlite3* db, const char* sql)
{
    Statement st(db, sql);
    PragmaValue value;
    int rc = st.step();
    if (rc == SQLITE_ROW) {
        value.text = st.text(0);
    } else if (rc != SQLITE_DONE) {
        value.rc = sqlite3_extended_errcode(db);
        value.text = sqlite3_errmsg(db);
    }
    return value;
}

// quick_check's rows joined (the first few): "ok" when healthy.
PragmaValue checkRows(sqlite3* db, const char* sql)
{
    Statement st(db, sql);
    PragmaValue value;
    int rows = 0;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        if (rows++ < 5) value.text += (value.text.empty() ? "" : "\n") + st.text(0);
    }
    if (rc != SQLITE_DONE) {
        value.rc = sqlite3_extended_errcode(db);
        value.text = sqlite3_errmsg(db);
    }
    return value;
}

// Read user_version through a read-only connection, so a file we will refuse is never written
// (a read-write connection may checkpoint its WAL into the file when it closes). -1: could not tell.
struct Probe {
    int version = -1;
    bool corrupt = false;
};

Probe probeVersion(const std::string& path)
{
    Probe probe;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_extended_result_codes(db, 1);
        PragmaValue value = pragmaValue(db, "PRAGMA user_version");
        if (value.rc == SQLITE_OK)
            probe.version = std::stoi(value.text);
        else if (isCorruptCode(value.rc))
            probe.corrupt = true;
    }
    sqlite3_close_v2(db);
    return probe;
}

std::string newerVersionMessage(const std::string& path, int version)
{
    return "the database " + path + " was written by a newer version of Hearth (schema v"
        + std::to_string(version) + "; this version knows up to v" + std::to_string(kSchemaVersion)
        + "). It was not opened and has not been changed; please use the newer Hearth.";
}

// Move the corrupt file (and its WAL) aside under a timestamped name; the caller then starts fresh.
Result<std::string> moveAside(const std::string& path)
{
    std::string base = path + ".corrupt-" + timestampNow();
    std::string target = base;
    for (int n = 2; fs::exists(target); ++n)
        target = base + "-" + std::to_string(n);
    std::error_code ec;
    fs::rename(path, target, ec);
    if (ec)
        return makeError(ErrorCode::Io,
            "the database " + path + " is corrupt and could not be moved aside to " + target + ": "
                + ec.message());
    if (fs::exists(path + "-wal")) fs::rename(path + "-wal", target + "-wal", ec);
    fs::remove(path + "-shm", ec);
    fs::remove(path + "-journal", ec);
    return target;
}

} // namespace

Result<Database> Database::open(const std::string& path, const OpenOptions& options)
{
    Database db;
    db.m_path = path;
    db.m_readOnly = options.readOnly;

    std::error_code ec;
    bool exists = fs::exists(path, ec) && fs::file_size(path, ec) > 0;
    if (options.readOnly && !exists) return makeError(ErrorCode::FileNotFound, "no database at " + path);
    db.m_report.created = !exists;

    // 1. A newer schema is refused before anything can write to the file.
    Probe probe = exists ? probeVersion(path) : Probe { 0, false };
    if (probe.version > kSchemaVersion)
        return makeError(ErrorCode::Unsupported, newerVersionMessage(path, probe.version));

    // 2. The connection itself.
    int flags = options.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path.c_str(), &db.m_db, flags, nullptr) != SQLITE_OK) {
        Error error = db.lastError("cannot open the database " + path);
        return error;
    }
    sqlite3_extended_result_codes(db.m_db, 1);
    sqlite3_busy_timeout(db.m_db, options.busyTimeoutMs);
    if (!options.readOnly && sqlite3_db_readonly(db.m_db, "main") == 1)
        return makeError(ErrorCode::Io,
            "the database " + path
                + " is read-only: Hearth cannot save to it (check the file's "
                  "permissions and the free space of its folder)");

    // 3. Corruption: quick_check (and "file is not a database" anywhere before it).
    bool corrupt = probe.corrupt;
    std::string detail;
    PragmaValue version = pragmaValue(db.m_db, "PRAGMA user_version");
    if (version.rc != SQLITE_OK) {
        if (!isCorruptCode(version.rc)) return db.lastError("cannot read the database " + path);
        corrupt = true;
        detail = version.text;
    }
    if (!corrupt) {
        PragmaValue check = checkRows(db.m_db, "PRAGMA quick_check");
        if (check.rc != SQLITE_OK && !isCorruptCode(check.rc))
            return db.lastError("cannot check the database " + path);
        if (check.rc != SQLITE_OK || check.text != "ok") {
            corrupt = true;
            detail = check.text;
        }
    }
    if (corrupt) {
        if (!options.recoverCorrupt || options.readOnly)
            return makeError(ErrorCode::BadFormat, "the database " + path + " is corrupt: " + detail);
        sqlite3_close_v2(db.m_db);
        db.m_db = nullptr;
        Result<std::string> aside = moveAside(path);
        if (!aside) return aside.error();
        OpenOptions fresh = options;
        fresh.recoverCorrupt = false;
        Result<Database> reopened = open(path, fresh);
        if (!reopened) return reopened.error();
        reopened->m_report.corruptCopyPath = *aside;
        reopened->m_report.corruptDetail = detail.empty() ? "file is not a database" : detail;
        return std::move(reopened.value());
    }
    int fromVersion = std::stoi(version.text);
    if (fromVersion > kSchemaVersion) // the probe could not tell (e.g. it could not open read-only)
        return makeError(ErrorCode::Unsupported, newerVersionMessage(path, fromVersion));
    db.m_report.fromVersion = fromVersion;

    if (options.readOnly) {
        if (fromVersion != kSchemaVersion)
            return makeError(ErrorCode::Unsupported,
                "the database " + path + " has schema v" + std::to_string(fromVersion)
                    + " and needs upgrading, which a read-only "
                      "open cannot do");
        db.m_report.toVersion = fromVersion;
        if (Status s = db.exec("PRAGMA foreign_keys = ON; PRAGMA query_only = ON"); !s) return s.error();
        return db;
    }

    // 4. WAL (readers never block the writer), full fsync at each commit (power loss keeps what was
    // committed), foreign keys enforced.
    PragmaValue journal = pragmaValue(db.m_db, "PRAGMA journal_mode = WAL");
    if (journal.rc != SQLITE_OK) return db.lastError("cannot switch " + path + " to WAL");
    if (Status s = db.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON"); !s) return s.error();

    // 5. Migrations, one transaction each.
    if (std::string error = runMigrations(db.m_db, fromVersion, kSchemaVersion); !error.empty()) {
        Error e = db.lastError("cannot upgrade " + path);
        e.message = "cannot upgrade " + path + ": " + error;
        return e;
    }
    db.m_report.toVersion = kSchemaVersion;

    // 6. Replies that were streaming when the app last stopped are interrupted now. This write also
    // tells us early when another process holds the database.
    Result<int> recovered = Messages(db).markStreamingInterrupted();
    if (!recovered) return recovered.error();
    db.m_report.interruptedReplies = *recovered;
    return db;
}

std::string openNotice(const OpenReport& report)
{
    std::string notice;
    if (!report.corruptCopyPath.empty())
        notice = "Hearth's database was damaged and could not be used. It was kept, unchanged, as "
            + report.corruptCopyPath + "; a new, empty database was started.";
    if (report.interruptedReplies > 0) {
        if (!notice.empty()) notice += ' ';
        notice += std::to_string(report.interruptedReplies)
            + (report.interruptedReplies == 1 ? " reply was" : " replies were")
            + " interrupted when Hearth last stopped; the text written so far was kept.";
    }
    return notice;
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_path(std::move(other.m_path))
    , m_report(std::move(other.m_report))
    , m_readOnly(other.m_readOnly)
{
}

Database& Database::operator=(Database&& other) noexcept
{
    if (this != &other) {
        sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_report = std::move(other.m_report);
        m_readOnly = other.m_readOnly;
    }
    return *this;
}

Database::~Database()
{
    sqlite3_close_v2(m_db);
}

int Database::schemaVersion() const
{
    PragmaValue value = pragmaValue(m_db, "PRAGMA user_version");
    return value.rc == SQLITE_OK ? std::stoi(value.text) : -1;
}

Status Database::exec(const std::string& sql)
{
    char* message = nullptr;
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return Ok {};
    sqlite3_free(message);
    return lastError("SQL failed");
}

Status Database::transaction(const std::function<Status()>& body)
{
    if (Status begin = exec("BEGIN IMMEDIATE"); !begin) return begin;
    Status result = body();
    if (result) result = exec("COMMIT");
    if (!result) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    return result;
}

Result<std::string> Database::integrityCheck()
{
    PragmaValue check = checkRows(m_db, "PRAGMA integrity_check");
    if (check.rc != SQLITE_OK && !isCorruptCode(check.rc)) return lastError("integrity_check failed");
    return check.text;
}

Result<std::string> Database::quickCheck()
{
    PragmaValue check = checkRows(m_db, "PRAGMA quick_check");
    if (check.rc != SQLITE_OK && !isCorruptCode(check.rc)) return lastError("quick_check failed");
    return check.text;
}

Error Database::lastError(const std::string& what) const
{
    if (!m_db) return makeError(ErrorCode::OutOfMemory, what + ": out of memory");
    int rc = sqlite3_extended_errcode(m_db);
    std::string detail = sqlite3_errmsg(m_db);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return makeError(ErrorCode::Io,
            what + ": the database " + m_path + " is locked by another program (is another Hearth running?)");
    case SQLITE_READONLY:
        return makeError(ErrorCode::Io, what + ": the database " + m_path + " is read-only (" + detail + ")");
    case SQLITE_FULL:
        return makeError(ErrorCode::Io, what + ": the disk is full (" + detail + ")");
    case SQLITE_CANTOPEN:
        return makeError(ErrorCode::FileNotFound, what + ": " + detail);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return makeError(
            ErrorCode::BadFormat, what + ": the database " + m_path + " is corrupt (" + detail + ")");
    case SQLITE_NOMEM:
        return makeError(ErrorCode::OutOfMemory, what + ": out of memory");
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
        return makeError(ErrorCode::InvalidArgument, what + ": " + detail);
    case SQLITE_IOERR:
        return makeError(ErrorCode::Io, what + ": I/O error (" + detail + ")");
    default:
        return makeError(ErrorCode::Internal, what + ": " + detail);
    }
}

} // namespace hearth::storage
