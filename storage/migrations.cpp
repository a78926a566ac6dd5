// Hearth's schema, one migration per step. Times are ms since the epoch; booleans are 0/1.
#include "storage/migrations.h"

#include "storage/database.h"

#include <sqlite3.h>

namespace hearth::storage {

namespace {

// v1: conversations (with their settings and the leaf of the thread shown), messages as a tree
// (parent_id; NULL for a first message), application settings.
const char* const kV1 = R"sql(
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    deleted_at INTEGER,
    model TEXT NOT NULL DEFAULT '',
    system_prompt TEXT NOT NULL DEFAULT '',
    sampling_json TEXT NOT NULL DEFAULT '{}',
    current_leaf_id INTEGER NOT NULL DEFAULT 0
);
-- The sidebar: pinned first, newest first, soft-deleted rows left out.
CREATE INDEX conversations_listing ON conversations (pinned DESC, updated_at DESC, id DESC)
    WHERE deleted_at IS NULL;

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    content TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('complete', 'streaming', 'interrupted', 'failed')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    tokens_per_second REAL NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT ''
);
-- Siblings (alternatives) and descendants within a conversation.
CREATE INDEX messages_tree ON messages (conversation_id, parent_id, id);
-- The foreign key's own lookups (cascade deletes) by parent.
CREATE INDEX messages_by_parent ON messages (parent_id);
-- Start-up recovery finds streaming replies without a scan.
CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// v2: full-text search over message text. The index reads the text from messages (external content)
// and holds only messages that are not streaming: a reply is indexed once it finishes or is marked
// interrupted, so checkpoints cost no index work. The triggers keep that invariant. Prefix indexes
// for 2 and 3 characters keep search-as-you-type fast on short prefixes.
const char* const kV2 = R"sql(
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content, content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.status != 'streaming' BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.status != 'streaming' BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, status ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content)
        SELECT 'delete', old.id, old.content WHERE old.status != 'streaming';
    INSERT INTO messages_fts (rowid, content)
        SELECT new.id, new.content WHERE new.status != 'streaming';
END;
INSERT INTO messages_fts (rowid, content) SELECT id, content FROM messages WHERE status != 'streaming';
)sql";

// v3: documents attached to a conversation, cut into passages that are ranked with bm25 for follow-up
// questions (Porter stemming: "documents" finds "document").
const char* const kV3 = R"sql(
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    checksum TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX documents_by_conversation ON documents (conversation_id, id);
CREATE INDEX documents_by_checksum ON documents (conversation_id, checksum);

CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start_offset INTEGER NOT NULL DEFAULT 0,
    content TEXT NOT NULL,
    UNIQUE (document_id, ordinal)
);
CREATE VIRTUAL TABLE passages_fts USING fts5 (
    content, content = 'passages', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages BEGIN
    INSERT INTO passages_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
    INSERT INTO passages_fts (passages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER passages_fts_update AFTER UPDATE OF content ON passages BEGIN
    INSERT INTO passages_fts (passages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO passages_fts (rowid, content) VALUES (new.id, new.content);
END;
)sql";

// v4: what interrupted a reply ('user' pressed Stop, the 'engine' stopped, the app closed:
// 'appClosed'), so the window can say why. Older interrupted replies are back-filled from what v1-v3
// recorded: the error "Stopped" meant the Stop button, an empty error the start-up recovery, any
// other error an engine that died.
const char* const kV4 = R"sql(
ALTER TABLE messages ADD COLUMN interrupted_by TEXT NOT NULL DEFAULT ''
    CHECK (interrupted_by IN ('', 'user', 'engine', 'appClosed'));
UPDATE messages SET
    interrupted_by = CASE error WHEN 'Stopped' THEN 'user' WHEN '' THEN 'appClosed' ELSE 'engine' END,
    error = CASE error WHEN 'Stopped' THEN '' ELSE error END
    WHERE status = 'interrupted';
)sql";

const char* const kMigrations[] = { kV1, kV2, kV3, kV4 };
static_assert(
    sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion, "one migration per schema version");

std::string execText(sqlite3* db, const std::string& sql)
{
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return {};
    std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return text;
}

} // namespace

const char* migrationSql(int version)
{
    if (version < 1 || version > kSchemaVersion) return "";
    return kMigrations[version - 1];
}

std::string runMigrations(sqlite3* db, int fromVersion, int toVersion)
{
    for (int version = fromVersion + 1; version <= toVersion; ++version) {
        // Each step is all or nothing: a crash mid-migration leaves the previous version intact.
        std::string error = execText(db, "BEGIN IMMEDIATE");
        if (error.empty()) error = execText(db, migrationSql(version));
        if (error.empty()) error = execText(db, "PRAGMA user_version = " + std::to_string(version));
        if (error.empty()) error = execText(db, "COMMIT");
        if (!error.empty()) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            return "migration to schema v" + std::to_string(version) + " failed: " + error;
        }
    }
    return {};
}

} // namespace hearth::storage
