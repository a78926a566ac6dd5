// The schema as ordered migrations: migration N takes a database at user_version N-1 to N.
// Never edit a released migration; add the next one. Internal to storage/ and its tests (which build
// a database of every earlier version with exactly this SQL and migrate it).
#pragma once

#include <string>

struct sqlite3;

namespace hearth::storage {

// The SQL of migration `version` (1..kSchemaVersion); empty for any other number.
const char* migrationSql(int version);

// Apply migrations fromVersion+1 .. toVersion, each in its own transaction that also sets
// PRAGMA user_version. Returns an empty string on success, else the error text.
std::string runMigrations(sqlite3* db, int fromVersion, int toVersion);

} // namespace hearth::storage
