// Statement: a prepared SQLite statement with RAII, typed binds and columns. Internal to storage/.
#pragma once

#include <cstdint>
#include <sqlite3.h>
#include <string>
#include <string_view>

namespace hearth::storage {

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql)
    {
        m_rc = sqlite3_prepare_v2(db, sql.data(), int(sql.size()), &m_stmt, nullptr);
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(m_stmt); }

    bool prepared() const { return m_rc == SQLITE_OK && m_stmt; }

    // Binds are 1-based like SQLite's; 0 ids for "no row" are bound as NULL by bindId().
    Statement& bind(int index, std::int64_t value)
    {
        sqlite3_bind_int64(m_stmt, index, value);
        return *this;
    }
    Statement& bind(int index, int value) { return bind(index, std::int64_t(value)); }
    Statement& bind(int index, double value)
    {
        sqlite3_bind_double(m_stmt, index, value);
        return *this;
    }
    Statement& bind(int index, std::string_view value)
    {
        sqlite3_bind_text(m_stmt, index, value.data(), int(value.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bindNull(int index)
    {
        sqlite3_bind_null(m_stmt, index);
        return *this;
    }
    Statement& bindId(int index, std::int64_t id) { return id ? bind(index, id) : bindNull(index); }

    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step()
    {
        if (!prepared()) return m_rc ? m_rc : SQLITE_MISUSE;
        return sqlite3_step(m_stmt);
    }
    void reset()
    {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }

    std::int64_t i64(int column) const { return sqlite3_column_int64(m_stmt, column); }
    int i32(int column) const { return sqlite3_column_int(m_stmt, column); }
    double f64(int column) const { return sqlite3_column_double(m_stmt, column); }
    bool isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
    std::string text(int column) const
    {
        const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
        return data ? std::string(data, size_t(sqlite3_column_bytes(m_stmt, column))) : std::string();
    }

private:
    sqlite3_stmt* m_stmt = nullptr;
    int m_rc = SQLITE_OK;
};

} // namespace hearth::storage
