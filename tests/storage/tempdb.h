// Helpers for the storage tests: a temporary folder with a database path, raw SQLite access.
#pragma once

#include "storage/database.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>
#include <string>

namespace hearth::storage::test {

// A fresh temporary folder per test; dbPath() is a file in it that does not exist yet.
class TempDb {
public:
    std::string dbPath() const { return (m_dir.path() + "/hearth.db").toStdString(); }
    QString dir() const { return m_dir.path(); }

    Database open(const OpenOptions& options = {}) const
    {
        Result<Database> db = Database::open(dbPath(), options);
        if (!db) qFatal("cannot open test database: %s", db.error().message.c_str());
        return std::move(db.value());
    }

private:
    QTemporaryDir m_dir;
};

// One value from a raw query (tests look under the API with it).
inline std::string scalar(sqlite3* db, const std::string& sql)
{
    sqlite3_stmt* st = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(st, 0);
        value = text ? reinterpret_cast<const char*>(text) : "";
    }
    sqlite3_finalize(st);
    return value;
}

inline QByteArray fileBytes(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.readAll();
}

} // namespace hearth::storage::test
