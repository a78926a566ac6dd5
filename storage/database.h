// Database: one SQLite connection to Hearth's store, opened safely.
//
// open() is the only way in, and it does the whole start-up ritual in order:
//   1. probe the file read-only: a schema newer than this build (PRAGMA user_version above
//      kSchemaVersion) is refused with ErrorCode::Unsupported and the file is left untouched, byte for byte;
//   2. open read-write (a file we may not write to is ErrorCode::Io, "read-only ...");
//   3. PRAGMA quick_check: a corrupt file (or "not a database") is moved aside to
//      "<path>.corrupt-YYYYMMDD-HHMMSS" (its -wal too), and a fresh database is created in its place;
//      OpenReport::corruptCopyPath says where the old one went so the GUI can tell the user;
//   4. WAL journal, synchronous=FULL, foreign keys on, busy timeout;
//   5. the ordered migrations (one transaction each) up to kSchemaVersion;
//   6. recovery: replies still marked streaming (the app died mid-reply) become interrupted.
// Another process holding the write lock longer than the busy timeout gives ErrorCode::Io with a message
// that says "locked". Errors are values (Result<T>, inference/util/result.h); nothing throws or aborts.
//
// Threading: a Database is one SQLite connection and must be used from one thread at a time. The GUI
// should not call it directly: AsyncStore (asyncstore.h) owns a Database on a worker thread, runs queued
// requests there and hands results back by value. The synchronous API below is what those requests
// (and the CLI, the tests and the benchmark) call.
//
// Times everywhere in storage/ are milliseconds since the Unix epoch (UTC), std::int64_t.
#pragma once

#include "util/result.h"

#include <cstdint>
#include <functional>
#include <string>

struct sqlite3;

namespace hearth::storage {

// The schema version this build writes. Migrations: v1 conversations/messages/settings,
// v2 full-text search over messages (FTS5), v3 attached documents and their passages (FTS5),
// v4 what interrupted a reply.
constexpr int kSchemaVersion = 4;

struct OpenOptions {
    bool readOnly = false; // open for reading only (no migrations, no recovery; writes fail)
    int busyTimeoutMs = 3000; // how long to wait for another connection's lock before "locked"
    bool recoverCorrupt = true; // false: a corrupt file is an error (ErrorCode::BadFormat) instead
};

struct OpenReport {
    int fromVersion = 0; // user_version found on disk (0: new or empty file)
    int toVersion = 0; // user_version after migrations
    bool created = false; // the file did not exist (or was replaced after corruption)
    std::string corruptCopyPath; // non-empty: the file was corrupt and now lives here
    std::string corruptDetail; // what quick_check said (first lines)
    int interruptedReplies = 0; // streaming replies marked interrupted by the start-up recovery
};

// A sentence for the user about what open() had to do ("" when nothing worth saying happened):
// where a corrupt database was kept, how many replies were interrupted.
std::string openNotice(const OpenReport& report);

class Database {
public:
    static Result<Database> open(const std::string& path, const OpenOptions& options = {});

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    const std::string& path() const { return m_path; }
    const OpenReport& openReport() const { return m_report; }
    bool readOnly() const { return m_readOnly; }
    int schemaVersion() const; // PRAGMA user_version

    // Run `body` inside BEGIN IMMEDIATE ... COMMIT; a failed body (or commit) rolls back.
    Status transaction(const std::function<Status()>& body);
    // Run SQL without results (several statements allowed).
    Status exec(const std::string& sql);
    // PRAGMA integrity_check (full, slow on big files) / quick_check: "ok" or the problems found.
    Result<std::string> integrityCheck();
    Result<std::string> quickCheck();

    // The raw connection, for the storage classes (conversations.h, messages.h, ...).
    sqlite3* handle() const { return m_db; }

    // Turn the connection's last SQLite error into an Error ("<what>: <sqlite message>"), with
    // "locked" / "read-only" / "disk full" spelled out so the user can act on it.
    Error lastError(const std::string& what) const;

private:
    Database() = default;

    sqlite3* m_db = nullptr;
    std::string m_path;
    OpenReport m_report;
    bool m_readOnly = false;
};

} // namespace hearth::storage
