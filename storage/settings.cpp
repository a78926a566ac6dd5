// Settings: application key/value pairs (see settings.h).
#include "storage/settings.h"

#include "storage/statement.h"

namespace hearth::storage {

Result<std::optional<std::string>> Settings::get(const std::string& key)
{
    Statement st(m_db.handle(), "SELECT value FROM settings WHERE key = ?");
    st.bind(1, key);
    int rc = st.step();
    if (rc == SQLITE_ROW) return std::optional<std::string>(st.text(0));
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    return m_db.lastError("cannot read setting " + key);
}

std::string Settings::value(const std::string& key, const std::string& fallback)
{
    Result<std::optional<std::string>> stored = get(key);
    return stored && stored->has_value() ? **stored : fallback;
}

Status Settings::set(const std::string& key, const std::string& value)
{
    Statement st(m_db.handle(),
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
        "excluded.value");
    st.bind(1, key).bind(2, value);
    if (st.step() != SQLITE_DONE) return m_db.lastError("cannot save setting " + key);
    return Ok {};
}

Status Settings::remove(const std::string& key)
{
    Statement st(m_db.handle(), "DELETE FROM settings WHERE key = ?");
    st.bind(1, key);
    if (st.step() != SQLITE_DONE) return m_db.lastError("cannot remove setting " + key);
    return Ok {};
}

Result<std::map<std::string, std::string>> Settings::all()
{
    Statement st(m_db.handle(), "SELECT key, value FROM settings ORDER BY key");
    std::map<std::string, std::string> values;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW)
        values[st.text(0)] = st.text(1);
    if (rc != SQLITE_DONE) return m_db.lastError("cannot read the settings");
    return values;
}

} // namespace hearth::storage
